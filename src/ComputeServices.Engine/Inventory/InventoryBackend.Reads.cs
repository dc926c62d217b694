using System;
using System.IO;

namespace ComputeServices.Inventory
{
    public sealed partial class InventoryBackend
    {
        // Shared by the commands of this process: a runbook's next Get-ComputeService need not parse an unchanged file again.
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTime WrittenAt, long Length, InventoryDocument Document)> LastReads =
            new System.Collections.Concurrent.ConcurrentDictionary<string, (DateTime, long, InventoryDocument)>(StringComparer.Ordinal);
        private const int MaxCachedFiles = 4;

        /// <summary>
        /// The document for reading only (listing, resolving, the removal pre-flight): parsed once and reused while the
        /// file keeps its last write time and length, so a pipeline of pre-flights, or a runbook's repeated listings, parse it
        /// once. Nothing may change the document it returns; changes never use it: they read afresh under the lock.
        /// </summary>
        private InventoryDocument ReadShared()
        {
            var stamp = Stamp();
            if (stamp != null && LastReads.TryGetValue(_file.Path, out var last) && last.WrittenAt == stamp.Value.WrittenAt && last.Length == stamp.Value.Length)
                return last.Document;
            var document = _file.Read();
            // Stamped before the read: if the file changed in between, the next read sees a new stamp and parses again.
            if (stamp == null) return document;
            if (LastReads.Count >= MaxCachedFiles) LastReads.Clear();
            LastReads[_file.Path] = (stamp.Value.WrittenAt, stamp.Value.Length, document);
            return document;
        }

        private (DateTime WrittenAt, long Length)? Stamp()
        {
            try
            {
                var info = new FileInfo(_file.Path);
                return info.Exists ? (info.LastWriteTimeUtc, info.Length) : ((DateTime, long)?)null;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                return null;
            }
        }
    }
}
