using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace ComputeServices.Inventory
{
    /// <summary>
    /// The second half of the inventory lock, for when the OS lock does nothing (DOTNET_SYSTEM_IO_DISABLEFILELOCKING=1,
    /// a network file system whose flock is a no-op): <c>&lt;inventory&gt;.lock.owner</c>, created only if absent (a hard
    /// link of a complete temp file, so it is never seen half-written) and naming its owner's pid, start time, host
    /// and a token. An owner file whose process is gone (same host), or that is older than the stale limit (another
    /// host), is taken over; the takeover is checked again before the inventory is replaced, so two writers never both
    /// think they hold it without one of them finding out.
    /// </summary>
    internal sealed class LockOwnerFile
    {
        private static readonly Lazy<(int Pid, long Started)> Self = new Lazy<(int, long)>(() =>
        {
            using var me = Process.GetCurrentProcess();
            return (me.Id, me.StartTime.ToUniversalTime().Ticks);
        });

        private readonly string _path;
        private readonly string _folder;
        private readonly string _tempPrefix;
        private readonly TimeSpan _staleAfter;
        private readonly string _content;
        private int _failedMoves;
        private bool _noHardLinks;

        public LockOwnerFile(string inventoryTarget, TimeSpan staleAfter)
        {
            _path = inventoryTarget + ".lock.owner";
            _folder = Path.GetDirectoryName(inventoryTarget) ?? ".";
            _tempPrefix = "." + Path.GetFileName(inventoryTarget) + ".";
            _staleAfter = staleAfter;
            _content = string.Format(CultureInfo.InvariantCulture, "pid={0}\nstarted={1}\nhost={2}\ntoken={3:N}\ntime={4:o}\n",
                Self.Value.Pid, Self.Value.Started, Environment.MachineName, Guid.NewGuid(), DateTime.UtcNow);
        }

        public string FilePath => _path;

        /// <summary>Who holds it, for the InventoryLocked message; null while nobody does.</summary>
        public string? LastSeenOwner { get; private set; }

        /// <summary>Takes it if free or stale; false when a live writer holds it.</summary>
        public bool TryTake()
        {
            var temp = Path.Combine(_folder, _tempPrefix + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.WriteAllText(temp, _content);
                try
                {
                    Publish(temp);
                    return true;
                }
                catch (IOException) when (File.Exists(_path))
                {
                    _failedMoves = 0;
                }
                catch (IOException) when (++_failedMoves < 5)
                {
                    return false; // released between our attempt and the check: try again
                }
            }
            finally
            {
                TryDelete(temp);
            }

            var (found, age) = ReadWithAge(_path);
            if (found == null) return false; // gone meanwhile: the caller retries at once
            if (!IsStale(found, age))
            {
                LastSeenOwner = Describe(found);
                return false;
            }
            BreakStale(found);
            return false;
        }

        /// <summary>True while the owner file is still this writer's (nobody judged it stale and took it over).</summary>
        public bool StillOwned() => ReadWithAge(_path).Content == _content;

        public void Release()
        {
            if (StillOwned()) TryDelete(_path);
        }

        private void BreakStale(string staleContent)
        {
            // Move it aside under a unique name first: of several writers that all judged it stale, one moves it.
            var grave = Path.Combine(_folder, _tempPrefix + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.Move(_path, grave);
            }
            catch (IOException)
            {
                return;
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
            if (ReadWithAge(grave).Content != staleContent)
            {
                // A new owner replaced the stale one between our read and the move: give it back if we can (if we
                // cannot, it finds out before it writes).
                try { Publish(grave); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            TryDelete(grave);
        }

        /// <summary>Puts the complete file <paramref name="source"/> in place as the owner file, never replacing one.</summary>
        private void Publish(string source)
        {
            if (UnixFiles.IsWindows)
            {
                File.Move(source, _path); // MoveFileEx without MOVEFILE_REPLACE_EXISTING
                return;
            }
            if (!_noHardLinks)
            {
                try
                {
                    UnixFiles.Link(source, _path); // not File.Move: on Unix it may check and then rename(2), which replaces
                    return;
                }
                catch (NotSupportedException)
                {
                    _noHardLinks = true;
                }
            }
            // O_EXCL still creates atomically; only the content may be seen empty for an instant (then it is not judged stale).
            using var stream = new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            var bytes = Encoding.UTF8.GetBytes(File.ReadAllText(source));
            stream.Write(bytes, 0, bytes.Length);
        }

        private bool IsStale(string content, TimeSpan age)
        {
            var fields = Parse(content);
            if (fields.Pid == null || fields.Host == null) return age > _staleAfter; // not written by this module
            if (!string.Equals(fields.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return age > _staleAfter;
            try
            {
                using var process = Process.GetProcessById(fields.Pid.Value);
                if (process.HasExited) return true;
                // The pid may have been reused by another process since the owner died.
                return fields.Started != null
                    && Math.Abs(process.StartTime.ToUniversalTime().Ticks - fields.Started.Value) > TimeSpan.FromSeconds(2).Ticks;
            }
            catch (ArgumentException)
            {
                return true; // no such process
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is System.ComponentModel.Win32Exception || ex is NotSupportedException)
            {
                return false; // cannot tell: assume it lives
            }
        }

        private static (int? Pid, long? Started, string? Host) Parse(string content)
        {
            int? pid = null;
            long? started = null;
            string? host = null;
            foreach (var line in content.Split('\n'))
            {
                var eq = line.IndexOf('=');
                if (eq <= 0) continue;
                var key = line.Substring(0, eq);
                var value = line.Substring(eq + 1).Trim();
                if (key == "pid" && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p)) pid = p;
                else if (key == "started" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s)) started = s;
                else if (key == "host" && value.Length > 0) host = value;
            }
            return (pid, started, host);
        }

        private static string Describe(string content)
        {
            var fields = Parse(content);
            return fields.Pid == null ? "an unknown writer" : $"process {fields.Pid} on {fields.Host}";
        }

        private static (string? Content, TimeSpan Age) ReadWithAge(string path)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var buffer = new byte[Math.Min(stream.Length, 4096)];
                var read = 0;
                while (read < buffer.Length)
                {
                    var n = stream.Read(buffer, read, buffer.Length - read);
                    if (n == 0) break;
                    read += n;
                }
                var written = File.GetLastWriteTimeUtc(path);
                if (written.Year <= 1601) return (null, TimeSpan.Zero); // gone since we read it
                return (Encoding.UTF8.GetString(buffer, 0, read), DateTime.UtcNow - written);
            }
            catch (IOException)
            {
                return (null, TimeSpan.Zero);
            }
            catch (UnauthorizedAccessException)
            {
                return (null, TimeSpan.Zero);
            }
        }

        private static void TryDelete(string path)
        {
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
