using System;
using System.IO;
using System.Reflection;

namespace ComputeServices.Inventory
{
    /// <summary>The inventory's path: checked once, symlinks followed to the file that is really read and written, and the errors about it.</summary>
    internal static class InventoryPaths
    {
        // File.ResolveLinkTarget exists from .NET 6 on (PowerShell 7); on .NET Framework (Windows PowerShell 5.1) a link
        // cannot be followed, so it is refused rather than replaced by a plain file at the first write.
        private static readonly MethodInfo? ResolveLinkTarget =
            typeof(File).GetMethod("ResolveLinkTarget", new[] { typeof(string), typeof(bool) });

        /// <summary>The full path, or <c>InvalidInventoryPath</c> for a path that cannot name a file.</summary>
        public static string FullPath(string? path)
        {
            if (string.IsNullOrWhiteSpace(path)) throw Invalid(path ?? "", "the path is empty.");
            if (path!.IndexOf('\0') >= 0) throw Invalid(path.Replace("\0", "\\0"), "it contains a NUL character.");
            if (path.IndexOfAny(Path.GetInvalidPathChars()) >= 0) throw Invalid(path, "it contains a character that is not allowed in a path.");
            string full;
            try
            {
                full = Path.GetFullPath(path);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException || ex is System.Security.SecurityException)
            {
                throw Invalid(path, ex.Message, ex);
            }
            if (string.IsNullOrEmpty(Path.GetFileName(full))) throw Invalid(path, "it names a folder, not a file.");
            return full;
        }

        /// <summary>
        /// The file a symlink (or a chain of them) finally points to, so a write replaces the target, not the link,
        /// and every name of one inventory uses the same lock. A path that is not a link is returned as it is.
        /// </summary>
        public static string ResolveTarget(string fullPath)
        {
            if (ResolveLinkTarget == null) return RefuseLink(fullPath);
            try
            {
                var target = (FileSystemInfo?)ResolveLinkTarget.Invoke(null, new object[] { fullPath, true });
                return target == null ? fullPath : Path.GetFullPath(target.FullName);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is FileNotFoundException || ex.InnerException is DirectoryNotFoundException)
            {
                return fullPath;
            }
            catch (TargetInvocationException ex) when (ex.InnerException is IOException)
            {
                throw Invalid(fullPath, "its symbolic links cannot be followed (a loop, or too many levels): " + ex.InnerException.Message, ex.InnerException);
            }
            catch (TargetInvocationException)
            {
                return fullPath; // e.g. a folder on the way may not be listed: reading or writing it reports that
            }
        }

        private static string RefuseLink(string fullPath)
        {
            FileAttributes attributes;
            try
            {
                attributes = File.GetAttributes(fullPath);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return fullPath; // missing or unreadable: reading or writing it reports that
            }
            if ((attributes & FileAttributes.ReparsePoint) == 0) return fullPath;
            throw Invalid(fullPath, "it is a symbolic link (or another reparse point), which this runtime (.NET Framework, "
                + "Windows PowerShell 5.1) cannot follow: a write would replace the link with a plain file. Give the path of "
                + "the file it points to, or use PowerShell 7, which follows it.");
        }

        public static ComputeServiceException Invalid(string path, string problem, Exception? inner = null)
            => new ComputeServiceException(ErrorIds.InvalidInventoryPath, FailureKind.InvalidArgument,
                $"'{path}' cannot be used as an inventory path: {problem}", inner)
            {
                Target = path,
                RecommendedAction = "Give the path of a JSON file, for example ./inventory.json, in -InventoryPath or $env:COMPUTESERVICES_INVENTORY.",
            };

        public static ComputeServiceException NotFound(string path, Exception? inner = null)
            => new ComputeServiceException(ErrorIds.InventoryNotFound, FailureKind.NotFound,
                $"The inventory file '{path}' does not exist.", inner)
            {
                Target = path,
                RecommendedAction = "Create it with New-ComputeServiceInventory -Path <file> [-Sample], or point -InventoryPath / $env:COMPUTESERVICES_INVENTORY at an existing one.",
            };

        /// <summary>A directory, FIFO or device: refused before it is opened (reading a FIFO would wait for a writer forever).</summary>
        public static ComputeServiceException NotARegularFile(string path, FileFacts facts)
            => new ComputeServiceException(ErrorIds.InventoryNotFound, FailureKind.NotFound,
                $"The inventory file '{path}' is not a regular file: it is {facts.KindName}.")
            {
                Target = path,
                RecommendedAction = "Point -InventoryPath / $env:COMPUTESERVICES_INVENTORY at an inventory JSON file, or create one with New-ComputeServiceInventory.",
            };

        public static ComputeServiceException Unreadable(string path, Exception inner)
            => new ComputeServiceException(ErrorIds.InventoryNotFound,
                inner is UnauthorizedAccessException ? FailureKind.PermissionDenied : FailureKind.NotFound,
                $"The inventory file '{path}' cannot be read: {inner.Message}", inner)
            {
                Target = path,
                RecommendedAction = "Check that the file exists and that this user may read it.",
            };

        public static ComputeServiceException WriteFailed(string path, string what, Exception inner)
            => new ComputeServiceException(ErrorIds.InventoryWriteFailed, FailureKind.WriteFailed,
                $"The inventory file '{path}' could not be written ({what}): {inner.Message} The file was not changed.", inner)
            {
                Target = path,
                RecommendedAction = "Check that this user may create and replace files in the inventory's folder and that the disk is not full, then retry.",
            };
    }
}
