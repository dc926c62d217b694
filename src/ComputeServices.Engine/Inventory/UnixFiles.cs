using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ComputeServices.Inventory
{
    internal enum FileKind
    {
        Missing,
        Regular,
        Directory,
        /// <summary>A FIFO, device or socket: opening one can block forever or never end.</summary>
        Special,
        /// <summary>A symbolic link (or, on Windows, another name-surrogate reparse point), seen only when not followed.</summary>
        Link,
    }

    /// <summary>What the inventory needs to know about a path: its kind and, where the OS can tell, mode and owner.</summary>
    internal readonly struct FileFacts
    {
        public FileFacts(FileKind kind, string kindName, uint? mode = null, uint? uid = null, uint? gid = null, uint? links = null,
            FileTimes? times = null)
        {
            Times = times;
            Kind = kind;
            KindName = kindName;
            Mode = mode;
            Uid = uid;
            Gid = gid;
            Links = links;
        }

        public FileKind Kind { get; }
        /// <summary>"a directory", "a FIFO", "a character device"... for messages.</summary>
        public string KindName { get; }
        /// <summary>The permission bits (07777), when known (Linux, and Unix on .NET 7+).</summary>
        public uint? Mode { get; }
        /// <summary>The owner, when known (Linux).</summary>
        public uint? Uid { get; }
        public uint? Gid { get; }
        /// <summary>How many names (hard links) the file has, when known (Linux).</summary>
        public uint? Links { get; }
        /// <summary>Size, times and inode, when known (Linux).</summary>
        public FileTimes? Times { get; }
    }

    /// <summary>What changes whenever a file's content does (on Linux): its size, write time, status-change time and inode.</summary>
    internal readonly struct FileTimes
    {
        public FileTimes(long size, DateTime modifiedAt, DateTime changedAt, ulong inode)
        {
            Size = size;
            ModifiedAt = modifiedAt;
            ChangedAt = changedAt;
            Inode = inode;
        }

        public long Size { get; }
        public DateTime ModifiedAt { get; }
        /// <summary>ctime: set to the current time by every change, and no program can set it back (touch -r cannot).</summary>
        public DateTime ChangedAt { get; }
        public ulong Inode { get; }
    }

    /// <summary>
    /// The few POSIX calls that netstandard2.0 lacks: file type, mode and owner (statx), creating a file 0600 from the
    /// start (open with O_EXCL), and fchmod/fchown. Full support on Linux; elsewhere on Unix new files are made 0600
    /// right after creation, the mode comes from .NET's File.GetUnixFileMode, the owner is not kept, and the file type
    /// falls back to what .NET can tell (files and directories only, so a FIFO is not recognised there).
    /// </summary>
    internal static class UnixFiles
    {
        public const uint OwnerOnly = 0x180; // 0600

        public static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        private static readonly bool IsLinux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
            && (RuntimeInformation.ProcessArchitecture == Architecture.X64 || RuntimeInformation.ProcessArchitecture == Architecture.Arm64
                || RuntimeInformation.ProcessArchitecture == Architecture.X86 || RuntimeInformation.ProcessArchitecture == Architecture.Arm);

        private static readonly MethodInfo? GetUnixFileMode = IsWindows ? null : typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });

        private static bool _statxMissing;

        /// <param name="followLinks">false: a symbolic link at <paramref name="path"/> is reported as <see cref="FileKind.Link"/>.</param>
        public static FileFacts Stat(string path, bool followLinks = true)
        {
            if (IsLinux && !_statxMissing)
            {
                try
                {
                    return StatLinux(path, followLinks);
                }
                catch (EntryPointNotFoundException)
                {
                    _statxMissing = true; // a libc older than glibc 2.28 or musl 1.2.5
                }
            }
            if (!followLinks && IsLinkByAttributes(path)) return new FileFacts(FileKind.Link, "a symbolic link");
            if (Directory.Exists(path)) return new FileFacts(FileKind.Directory, "a directory");
            return File.Exists(path) ? new FileFacts(FileKind.Regular, "a file", ModeFromDotnet(path)) : new FileFacts(FileKind.Missing, "missing");
        }

        // .NET reports a symbolic link (not what it points to) as a reparse point.
        private static bool IsLinkByAttributes(string path)
        {
            try
            {
                return (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0;
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                return false;
            }
        }

        /// <summary>Creates a new file (failing if it exists) readable and writable by its owner only, on Unix from the first moment.</summary>
        public static FileStream CreateNewPrivate(string path)
        {
            if (IsLinux)
            {
                const int O_WRONLY = 0x1, O_CREAT = 0x40, O_EXCL = 0x80, O_CLOEXEC = 0x80000;
                var fd = open(CString(path), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, OwnerOnly);
                if (fd < 0) throw ErrnoException(Marshal.GetLastWin32Error(), path);
                return new FileStream(new SafeFileHandle((IntPtr)fd, ownsHandle: true), FileAccess.Write, 4096);
            }
            var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096);
            if (!IsWindows)
            {
                try
                {
                    SetMode(stream, OwnerOnly);
                }
                catch
                {
                    stream.Dispose();
                    throw;
                }
            }
            return stream;
        }

        /// <summary>
        /// Opens (creating if missing) and exclusively locks a writer's lock file. On Linux a symbolic link there is
        /// never followed (O_NOFOLLOW: in a shared sticky folder another user could point it anywhere, and root would
        /// create the file it names); IOException with HResult 11 (as .NET reports a held flock) while another holds it.
        /// Elsewhere .NET's FileShare.None lock (flock on Unix, a share lock on Windows).
        /// </summary>
        public static FileStream OpenLock(string path)
        {
            if (!IsLinux) return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            const int O_RDWR = 0x2, O_CREAT = 0x40, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000, LOCK_EX = 2, LOCK_NB = 4;
            var fd = open(CString(path), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0x1B6 /* 0666, less the umask, as .NET creates it */);
            if (fd < 0)
            {
                var errno = Marshal.GetLastWin32Error();
                // ELOOP, or EACCES where the kernel's protected_symlinks refused it first
                if ((errno == 40 || errno == 13) && Stat(path, followLinks: false).Kind == FileKind.Link)
                    throw new LinkRefusedException($"'{path}' is a symbolic link.");
                throw ErrnoException(errno, path);
            }
            var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
            if (flock(handle, LOCK_EX | LOCK_NB) != 0)
            {
                var errno = Marshal.GetLastWin32Error();
                handle.Dispose();
                throw errno == 11 ? new IOException($"'{path}' is locked by another writer.", 11) : ErrnoException(errno, path);
            }
            return new FileStream(handle, FileAccess.ReadWrite, 1);
        }

        /// <summary>A path refused because it is a symbolic link that must not be followed.</summary>
        internal sealed class LinkRefusedException : IOException
        {
            public LinkRefusedException(string message) : base(message) { }
        }

        /// <summary>Gives an open file the permission bits (and, where this process may, the owner) of the file it replaces.</summary>
        public static void CopyModeAndOwner(FileStream stream, FileFacts original)
        {
            if (IsWindows || original.Mode == null) return;
            SetMode(stream, original.Mode.Value);
            // Only root (or the owner, for a group it belongs to) may do this; otherwise the new file stays the writer's.
            if (original.Uid != null && original.Gid != null) fchown(stream.SafeFileHandle, original.Uid.Value, original.Gid.Value);
        }

        /// <summary>
        /// Gives <paramref name="source"/> the second name <paramref name="destination"/>, failing (IOException) if that
        /// exists: the one atomic "create only if absent" for a complete file (rename(2) would replace). Unix only.
        /// NotSupportedException where the file system has no hard links.
        /// </summary>
        public static void Link(string source, string destination)
        {
            if (link(CString(source), CString(destination)) == 0) return;
            var errno = Marshal.GetLastWin32Error();
            // EPERM, EMLINK, ENOSYS, EOPNOTSUPP (Linux 95, BSD/macOS 45)
            if (errno == 1 || errno == 31 || errno == 38 || errno == 95 || errno == 45)
                throw new NotSupportedException($"'{destination}': hard links are not supported here (errno {errno}).");
            throw ErrnoException(errno, destination);
        }

        /// <summary>Makes a rename in <paramref name="folder"/> durable (Linux); without it a power loss may undo the rename.</summary>
        public static void FlushFolder(string folder)
        {
            if (!IsLinux) return;
            var fd = open(CString(folder), 0 /* O_RDONLY */ | 0x80000 /* O_CLOEXEC */, 0);
            if (fd < 0) return;
            try
            {
                fsync(fd);
            }
            finally
            {
                close(fd);
            }
        }

        private static void SetMode(FileStream stream, uint mode)
        {
            if (fchmod(stream.SafeFileHandle, mode) != 0)
                throw ErrnoException(Marshal.GetLastWin32Error(), stream.Name);
        }

        /// <summary>File.GetUnixFileMode (.NET 7+, so PowerShell 7.4+) where statx is not available.</summary>
        private static uint? ModeFromDotnet(string path)
        {
            if (GetUnixFileMode == null) return null;
            try
            {
                return Convert.ToUInt32(GetUnixFileMode.Invoke(null, new object[] { path }), System.Globalization.CultureInfo.InvariantCulture) & 0xFFF;
            }
            catch (TargetInvocationException)
            {
                return null;
            }
        }

        private static FileFacts StatLinux(string path, bool followLinks)
        {
            const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
            const uint STATX_WANTED = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x40 | 0x80 | 0x100 | 0x200; // type mode nlink uid gid mtime ctime ino size
            // struct statx: stx_nlink at 16, stx_uid at 20, stx_gid at 24, stx_mode (u16) at 28, stx_ino at 32, stx_size at 40,
            // stx_ctime at 96 and stx_mtime at 112 (each an i64 of seconds and a u32 of nanoseconds)
            var buffer = new byte[256];
            if (statx(AT_FDCWD, CString(path), followLinks ? 0 : AT_SYMLINK_NOFOLLOW, STATX_WANTED, buffer) != 0)
            {
                var errno = Marshal.GetLastWin32Error();
                if (errno == 2 || errno == 20) return new FileFacts(FileKind.Missing, "missing"); // ENOENT, ENOTDIR
                throw ErrnoException(errno, path);
            }
            var links = BitConverter.ToUInt32(buffer, 16);
            var uid = BitConverter.ToUInt32(buffer, 20);
            var gid = BitConverter.ToUInt32(buffer, 24);
            uint mode = BitConverter.ToUInt16(buffer, 28);
            switch (mode & 0xF000)
            {
                case 0x8000:
                    var times = new FileTimes(BitConverter.ToInt64(buffer, 40), TimeAt(buffer, 112), TimeAt(buffer, 96), BitConverter.ToUInt64(buffer, 32));
                    return new FileFacts(FileKind.Regular, "a file", mode & 0xFFF, uid, gid, links, times);
                case 0xA000: return new FileFacts(FileKind.Link, "a symbolic link", mode & 0xFFF, uid, gid);
                case 0x4000: return new FileFacts(FileKind.Directory, "a directory", mode & 0xFFF, uid, gid);
                case 0x1000: return new FileFacts(FileKind.Special, "a FIFO (named pipe)", mode & 0xFFF, uid, gid);
                case 0x2000: return new FileFacts(FileKind.Special, "a character device", mode & 0xFFF, uid, gid);
                case 0x6000: return new FileFacts(FileKind.Special, "a block device", mode & 0xFFF, uid, gid);
                case 0xC000: return new FileFacts(FileKind.Special, "a socket", mode & 0xFFF, uid, gid);
                default: return new FileFacts(FileKind.Special, "not a regular file", mode & 0xFFF, uid, gid);
            }
        }

        private static DateTime TimeAt(byte[] statxBuffer, int offset)
            => DateTimeOffset.FromUnixTimeSeconds(BitConverter.ToInt64(statxBuffer, offset)).UtcDateTime
                .AddTicks(BitConverter.ToUInt32(statxBuffer, offset + 8) / 100);

        private static Exception ErrnoException(int errno, string path)
        {
            switch (errno)
            {
                case 1: // EPERM
                case 13: // EACCES
                case 30: // EROFS
                    return new UnauthorizedAccessException($"Access to the path '{path}' is denied (errno {errno}).");
                case 2: return new FileNotFoundException($"Could not find '{path}'.", path);
                case 17: return new IOException($"The file '{path}' already exists.");
                case 36: return new PathTooLongException($"The path '{path}' is too long.");
                default: return new IOException($"'{path}': error {errno}.");
            }
        }

        private static byte[] CString(string path)
        {
            var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
            Encoding.UTF8.GetBytes(path, 0, path.Length, bytes, 0);
            return bytes;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int statx(int dirfd, byte[] pathname, int flags, uint mask, byte[] statxbuf);

        [DllImport("libc", SetLastError = true)]
        private static extern int open(byte[] pathname, int flags, uint mode);

        [DllImport("libc", SetLastError = true)]
        private static extern int link(byte[] oldpath, byte[] newpath);

        [DllImport("libc", SetLastError = true)]
        private static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        private static extern int close(int fd);

        [DllImport("libc", SetLastError = true)]
        private static extern int flock(SafeFileHandle fd, int operation);

        [DllImport("libc", SetLastError = true)]
        private static extern int fchmod(SafeFileHandle fd, uint mode);

        [DllImport("libc", SetLastError = true)]
        private static extern int fchown(SafeFileHandle fd, uint owner, uint group);
    }
}
