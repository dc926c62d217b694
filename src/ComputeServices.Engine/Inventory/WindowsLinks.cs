using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ComputeServices.Inventory
{
    /// <summary>
    /// A symbolic link or junction at the inventory path on Windows. PowerShell 7 finds the file it points to and writes
    /// that; Windows PowerShell 5.1 (.NET Framework) has no API for it, and replacing the path there would replace the
    /// link with a plain file (the file it pointed to keeping the old content), so a write through one is refused. Other
    /// reparse points (OneDrive and other cloud placeholders, deduplicated files) are plain files to their user.
    /// </summary>
    internal static class WindowsLinks
    {
        internal const uint SymlinkTag = 0xA000000C;
        internal const uint MountPointTag = 0xA0000003; // a junction

        internal enum WriteDecision
        {
            /// <summary>Not a link: write the path itself.</summary>
            AsGiven,
            /// <summary>A link this runtime can follow: write the file it finally points to.</summary>
            FollowLink,
            /// <summary>A link this runtime cannot follow: refuse (<c>InvalidInventoryPath</c>) rather than replace the link.</summary>
            Refuse,
        }

        /// <param name="canResolveLinks">The runtime has File.ResolveLinkTarget (.NET 6+, so PowerShell 7).</param>
        /// <param name="reparseTag">The path's reparse tag, null when it has none (or does not exist).</param>
        internal static WriteDecision ForWrite(bool canResolveLinks, uint? reparseTag)
        {
            if (reparseTag != SymlinkTag && reparseTag != MountPointTag) return WriteDecision.AsGiven;
            return canResolveLinks ? WriteDecision.FollowLink : WriteDecision.Refuse;
        }

        internal static bool IsLinkTag(uint? reparseTag) => reparseTag == SymlinkTag || reparseTag == MountPointTag;

        /// <summary>The reparse tag of <paramref name="path"/> itself (the link, not what it points to); null if none. Windows only.</summary>
        internal static uint? ReparseTag(string path)
        {
            var handle = FindFirstFileW(path, out var data);
            if (handle == new IntPtr(-1)) return null;
            FindClose(handle);
            const uint FILE_ATTRIBUTE_REPARSE_POINT = 0x400;
            return (data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0 ? data.dwReserved0 : (uint?)null;
        }

        internal static ComputeServiceException Refused(string path)
            => InventoryPaths.Invalid(path,
                "it is a symbolic link or junction, and Windows PowerShell 5.1 cannot find the file it points to: writing would replace " +
                "the link with a plain file and leave the file it points to unchanged. Give the path of the file the link points to, or use PowerShell 7.");

        [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
        private struct WIN32_FIND_DATAW
        {
            public uint dwFileAttributes;
            public System.Runtime.InteropServices.ComTypes.FILETIME ftCreationTime;
            public System.Runtime.InteropServices.ComTypes.FILETIME ftLastAccessTime;
            public System.Runtime.InteropServices.ComTypes.FILETIME ftLastWriteTime;
            public uint nFileSizeHigh;
            public uint nFileSizeLow;
            public uint dwReserved0;
            public uint dwReserved1;
            [MarshalAs(UnmanagedType.ByValTStr, SizeConst = 260)] public string cFileName;
            [MarshalAs(UnmanagedType.ByValTStr, SizeConst = 14)] public string cAlternateFileName;
        }

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr FindFirstFileW(string lpFileName, out WIN32_FIND_DATAW lpFindFileData);

        [DllImport("kernel32", SetLastError = true)]
        private static extern bool FindClose(IntPtr hFindFile);
    }
}
