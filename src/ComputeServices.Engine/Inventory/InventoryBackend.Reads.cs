using System;

namespace ComputeServices.Inventory
{
    public sealed partial class InventoryBackend
    {
        /// <summary>
        /// The document for reading only (listing, resolving, the removal pre-flight): shared by the commands of this
        /// process while the file holds the same bytes (see <see cref="ParsedInventories"/>: not write time and length alone), so a pipeline of pre-flights, or a runbook's repeated
        /// listings, parse it once, and a listing right after this process's own change parses nothing. Nothing may change
        /// the document it returns; changes never use it (<see cref="InventoryWriteLock.Read"/> gives them a copy).
        /// </summary>
        private InventoryDocument ReadShared()
        {
            var target = _file.TargetPath;
            // Stamped before the read: if the file changes in between, the next read sees a new stamp or new bytes and parses again.
            var readAt = DateTime.UtcNow;
            var stamp = ParsedInventories.StampOf(target);
            if (ParsedInventories.ForReading(target, stamp) is InventoryDocument known) return known;
            var bytes = _file.ReadBytes(target);
            var document = InventoryFile.Parse(bytes, _file.Path);
            if (stamp != null) ParsedInventories.Remember(target, stamp, bytes.LongLength, ContentHash.Of(bytes), document, readAt);
            return document;
        }
    }
}
