using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading;

namespace ComputeServices.Inventory
{
    /// <summary>
    /// The exclusive right to change one inventory, from <see cref="InventoryFile.Lock"/> until Dispose: read once,
    /// apply any number of changes, <see cref="Commit"/> (atomically) once. It holds the OS lock on
    /// <c>&lt;target&gt;.lock</c> and the owner file <c>&lt;target&gt;.lock.owner</c>, both beside the file that symlinks
    /// finally point to. Taking it removes temp files that crashed writers left behind.
    /// </summary>
    public sealed class InventoryWriteLock : IDisposable
    {
        private readonly InventoryFile _file;
        private FileStream? _osLock;
        private LockOwnerFile? _owner;

        private InventoryWriteLock(InventoryFile file, string target)
        {
            _file = file;
            Target = target;
        }

        /// <summary>The file really read and replaced (the inventory path with its symlinks followed).</summary>
        public string Target { get; }

        internal static InventoryWriteLock Acquire(InventoryFile file, string target, TimeSpan timeout, TimeSpan staleAfter, CancellationToken cancellationToken)
        {
            var held = new InventoryWriteLock(file, target);
            try
            {
                held.Take(timeout, staleAfter, cancellationToken);
                held.RemoveStaleTempFiles(staleAfter);
                return held;
            }
            catch
            {
                held.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The document to change: a copy of the one this process last parsed or wrote when the file still holds
        /// exactly those bytes, else a fresh parse.
        /// </summary>
        public InventoryDocument Read()
        {
            var stamp = ParsedInventories.StampOf(Target);
            if (stamp != null && ParsedInventories.ForWriting(Target, stamp.Value.Length) is InventoryDocument known) return known;
            return _file.ReadTarget(Target);
        }

        /// <summary>
        /// Writes <paramref name="document"/> to a temp file beside the target (0600, or the target's own mode and owner),
        /// flushes it to disk and renames it over the target. On any failure the target is unchanged.
        /// </summary>
        public void Commit(InventoryDocument document) => Commit(document, shareAfterwards: false);

        /// <param name="shareAfterwards">
        /// The caller gives <paramref name="document"/> up: once written, the commands of this process read it instead of
        /// parsing the file again. Nothing may change it afterwards.
        /// </param>
        /// <param name="asNewFile">
        /// The document replaces the file as a new one (New-ComputeServiceInventory, Export): 0600 and this user's, not the
        /// old file's mode and owner; a symbolic link at the name is refused, never followed.
        /// </param>
        internal void Commit(InventoryDocument document, bool shareAfterwards, bool asNewFile = false)
        {
            if (_owner == null) throw new ObjectDisposedException(nameof(InventoryWriteLock));
            if (!_owner.StillOwned())
                throw Locked($"another writer judged this writer's lock on '{_file.Path}' stale and took it over; nothing was written.",
                    "Retry; if it happens again, look for a clock or process-id problem between the machines sharing the file.");

            var folder = Path.GetDirectoryName(Target) ?? ".";
            var temp = Path.Combine(folder, "." + Path.GetFileName(Target) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                var original = UnixFiles.Stat(Target, followLinks: !asNewFile);
                if (original.Kind == FileKind.Link) throw InventoryPaths.LinkAtNewFile(_file.Path);
                if (original.Kind != FileKind.Regular && original.Kind != FileKind.Missing) throw InventoryPaths.NotARegularFile(_file.Path, original);
                _file.RequireSingleName(original); // checked again under the lock: a name may have been added since
                long length;
                byte[] sha256;
                using (var stream = UnixFiles.CreateNewPrivate(temp))
                {
                    if (original.Kind == FileKind.Regular && !asNewFile) UnixFiles.CopyModeAndOwner(stream, original);
                    using (var hashing = new ContentHash.Writer(stream))
                    {
                        JsonSerializer.Serialize(hashing, document, InventoryJson.Default.InventoryDocument);
                        (length, sha256) = (hashing.Length, hashing.Hash);
                    }
                    stream.Flush(flushToDisk: true);
                }
                _file.BeforeReplace?.Invoke(temp);
                var writtenAt = DateTime.UtcNow;
                if (File.Exists(Target)) File.Replace(temp, Target, null);
                else File.Move(temp, Target);
                UnixFiles.FlushFolder(folder);
                if (shareAfterwards) ParsedInventories.Remember(Target, ParsedInventories.StampOf(Target), length, sha256, document, writtenAt);
                else ParsedInventories.Forget(Target);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw InventoryPaths.WriteFailed(_file.Path, "writing and renaming a temp file beside it", ex);
            }
            finally
            {
                try { if (File.Exists(temp)) File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        public void Dispose()
        {
            try
            {
                _owner?.Release();
            }
            finally
            {
                _owner = null;
                _osLock?.Dispose();
                _osLock = null;
            }
        }

        private void Take(TimeSpan timeout, TimeSpan staleAfter, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var lockPath = Target + ".lock";
            var delay = 5;
            var owner = new LockOwnerFile(Target, staleAfter);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    // An exclusive lock across processes (flock on Unix, a share lock on Windows)...
                    _osLock ??= UnixFiles.OpenLock(lockPath);
                    // ...and the owner file holds even where that lock does nothing.
                    if (owner.TryTake())
                    {
                        _owner = owner;
                        return;
                    }
                }
                catch (IOException ex) when (IsSharingViolation(ex))
                {
                }
                catch (UnixFiles.LinkRefusedException ex)
                {
                    throw InventoryPaths.Invalid(_file.Path, $"its lock file '{lockPath}' is a symbolic link, which a writer never follows " +
                        "(in a shared folder another user could point it at any file). Remove the link, then retry.", ex);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    if (ex is DirectoryNotFoundException) throw InventoryPaths.NotFound(_file.Path, ex);
                    throw InventoryPaths.WriteFailed(_file.Path, $"taking its lock '{lockPath}'", ex);
                }
                if (watch.Elapsed >= timeout)
                {
                    var holder = _osLock == null ? $"Check for a hung process holding '{lockPath}'" : $"'{owner.FilePath}' names {owner.LastSeenOwner ?? "another writer"}: check that process";
                    throw Locked($"the inventory file '{_file.Path}' stayed locked by another writer for {timeout.TotalSeconds:0.###} seconds.", holder + ", then retry.");
                }
                // Wait on the cancellation handle, not Thread.Sleep, so Ctrl+C is not delayed.
                cancellationToken.WaitHandle.WaitOne(delay);
                delay = Math.Min(delay * 2, 100);
            }
        }

        private static bool IsSharingViolation(IOException ex)
        {
            if (ex.GetType() != typeof(IOException)) return false;
            // Windows: ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION. Unix: .NET reports flock's EWOULDBLOCK as its errno (Linux 11, BSD/macOS 35).
            return ex.HResult == 11 || ex.HResult == 35 || (ex.HResult & 0xFFFF) == 32 || (ex.HResult & 0xFFFF) == 33;
        }

        private ComputeServiceException Locked(string message, string action)
            => new ComputeServiceException(ErrorIds.InventoryLocked, FailureKind.Timeout, char.ToUpperInvariant(message[0]) + message.Substring(1))
            {
                Target = _file.Path,
                RecommendedAction = action,
            };

        /// <summary>A writer killed between writing its temp file and renaming it leaves the temp file behind: remove old ones.</summary>
        private void RemoveStaleTempFiles(TimeSpan staleAfter)
        {
            try
            {
                var folder = Path.GetDirectoryName(Target) ?? ".";
                var cutoff = DateTime.UtcNow - staleAfter;
                foreach (var temp in Directory.EnumerateFiles(folder, "." + Path.GetFileName(Target) + ".*.tmp"))
                {
                    try
                    {
                        if (File.GetLastWriteTimeUtc(temp) < cutoff) File.Delete(temp);
                    }
                    catch (IOException) { }
                    catch (UnauthorizedAccessException) { }
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
