using System;
using System.IO;

namespace ComputeServices.Inventory
{
    public sealed partial class InventoryBackend
    {
        private (DateTime WrittenAt, long Length, InventoryDocument Document)? _lastRead;

        /// <summary>
        /// The document for reading only (listing, resolving, the removal pre-flight): parsed once and reused while the
        /// file keeps its last write time and length, so a pipeline of pre-flights parses it once. Changes never use it:
        /// they read afresh under the lock.
        /// </summary>
        private InventoryDocument ReadShared()
        {
            var stamp = Stamp();
            var last = _lastRead;
            if (stamp != null && last != null && last.Value.WrittenAt == stamp.Value.WrittenAt && last.Value.Length == stamp.Value.Length)
                return last.Value.Document;
            var document = _file.Read();
            // Stamped before the read: if the file changed in between, the next read sees a new stamp and parses again.
            _lastRead = stamp == null ? ((DateTime, long, InventoryDocument)?)null : (stamp.Value.WrittenAt, stamp.Value.Length, document);
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
