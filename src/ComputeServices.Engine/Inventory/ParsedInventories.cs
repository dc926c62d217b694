using System;
using System.Collections.Concurrent;
using System.IO;

namespace ComputeServices.Inventory
{
    /// <summary>
    /// The last parsed document of each inventory file, shared by the commands of this process, so an unchanged file
    /// is not parsed again. Both readers and writers match it by content (SHA-256 of the bytes, so no clock or file
    /// system can fool it; the write time and length only tell sooner that it changed): readers share the one instance,
    /// a writer, under the lock, gets its own copy to change. A commit leaves the document it wrote here, so the next command starts warm.
    /// Keyed by the target path (symlinks followed).
    /// </summary>
    internal static class ParsedInventories
    {
        private sealed class Entry
        {
            public Entry(FileStamp? stamp, long length, byte[] sha256, InventoryDocument document)
            {
                Stamp = stamp;
                Length = length;
                Sha256 = sha256;
                Document = document;
            }

            public FileStamp? Stamp { get; }
            public long Length { get; }
            public byte[] Sha256 { get; }
            public InventoryDocument Document { get; }
        }

        private const int MaxFiles = 4;
        private static readonly ConcurrentDictionary<string, Entry> Entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);

        /// <summary>
        /// The shared document when <paramref name="target"/> still holds exactly the bytes it was parsed from or written
        /// as: a file whose write time or length moved has changed; one whose did not is compared by content, because on a
        /// file system with 1-second (or coarser) timestamps another process's change of the same length keeps both.
        /// Never change the document.
        /// </summary>
        public static InventoryDocument? ForReading(string target, FileStamp? stamp)
            => stamp != null && Entries.TryGetValue(target, out var entry) && entry.Stamp == stamp && HoldsBytesOf(target, entry) ? entry.Document : null;

        /// <summary>A private copy of the document when <paramref name="target"/> holds exactly the bytes it was parsed from or written as.</summary>
        public static InventoryDocument? ForWriting(string target, long length)
            => Entries.TryGetValue(target, out var entry) && entry.Length == length && HoldsBytesOf(target, entry) ? entry.Document.Copy() : null;

        private static bool HoldsBytesOf(string target, Entry entry)
        {
            byte[] current;
            try
            {
                current = ContentHash.OfFile(target);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return false; // the full read that follows reports it
            }
            return current.AsSpan().SequenceEqual(entry.Sha256);
        }

        /// <summary>
        /// Keeps <paramref name="document"/> as what <paramref name="target"/> holds (<paramref name="length"/> bytes with
        /// that SHA-256), with <paramref name="stamp"/>. The caller gives the document up: nothing may change it afterwards.
        /// </summary>
        public static void Remember(string target, FileStamp? stamp, long length, byte[] sha256, InventoryDocument document)
        {
            if (Entries.Count >= MaxFiles && !Entries.ContainsKey(target)) Entries.Clear();
            Entries[target] = new Entry(stamp, length, sha256, document);
        }

        public static void Forget(string target) => Entries.TryRemove(target, out _);

        /// <summary>The file's write time and length, or null when it cannot be read (then nothing is shared).</summary>
        public static FileStamp? StampOf(string target)
        {
            try
            {
                var info = new FileInfo(target);
                return info.Exists ? new FileStamp(info.LastWriteTimeUtc, info.Length) : null;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                return null;
            }
        }
    }

    internal readonly struct FileStamp : IEquatable<FileStamp>
    {
        public FileStamp(DateTime writtenAt, long length)
        {
            WrittenAt = writtenAt;
            Length = length;
        }

        public DateTime WrittenAt { get; }
        public long Length { get; }

        public bool Equals(FileStamp other) => WrittenAt == other.WrittenAt && Length == other.Length;
        public override bool Equals(object? obj) => obj is FileStamp other && Equals(other);
        public override int GetHashCode() => WrittenAt.GetHashCode() ^ Length.GetHashCode();
        public static bool operator ==(FileStamp a, FileStamp b) => a.Equals(b);
        public static bool operator !=(FileStamp a, FileStamp b) => !a.Equals(b);
    }
}
