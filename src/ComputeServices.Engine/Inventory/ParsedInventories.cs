using System;
using System.Collections.Concurrent;
using System.IO;

namespace ComputeServices.Inventory
{
    /// <summary>
    /// The last parsed document of each inventory file, shared by the commands of this process, so an unchanged file
    /// is not parsed again. A writer, under the lock, matches it by content (SHA-256 of the bytes, so no clock or file
    /// system can fool it) and gets its own copy to change. Readers share the one instance while the file's stamp (size,
    /// write time and, on Linux, status-change time and inode) is the same and, when the stamp is too recent to prove
    /// anything, its SHA-256 too: on a file system with 1-second (FAT: 2-second) timestamps another process's change of
    /// the same length within that second keeps the stamp. A change made after the content was last verified moves the
    /// stamp once that moment is more than <see cref="RacyWindow"/> past it (git's "racily clean" rule), so a long
    /// pipeline of reads hashes the file only in the first seconds after a write. A commit leaves the document it wrote
    /// here, so the next command starts warm. Keyed by the target path (symlinks followed).
    /// </summary>
    internal static class ParsedInventories
    {
        /// <summary>Coarser than any file system's timestamps (FAT's 2 s), so a stamp older than this before a check is proof.</summary>
        internal static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(3);

        private sealed class Entry
        {
            public Entry(FileStamp? stamp, long length, byte[] sha256, InventoryDocument document, DateTime verifiedAt)
            {
                Stamp = stamp;
                Length = length;
                Sha256 = sha256;
                Document = document;
                VerifiedAt = verifiedAt;
            }

            public FileStamp? Stamp { get; }
            public long Length { get; }
            public byte[] Sha256 { get; }
            public InventoryDocument Document { get; }
            /// <summary>A moment (this machine's UTC clock) at or before which the file was known to hold these bytes.</summary>
            public DateTime VerifiedAt { get; }

            public Entry VerifiedAgain(DateTime at) => new Entry(Stamp, Length, Sha256, Document, at);
        }

        private const int MaxFiles = 4;
        private static readonly ConcurrentDictionary<string, Entry> Entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);

        /// <summary>
        /// The shared document when <paramref name="target"/> still holds the bytes it was parsed from or written as:
        /// the same stamp, and, while the stamp is within <see cref="RacyWindow"/> of the last check, the same SHA-256.
        /// Never change the document.
        /// </summary>
        public static InventoryDocument? ForReading(string target, FileStamp? stamp)
        {
            if (stamp == null || !Entries.TryGetValue(target, out var entry) || entry.Stamp != stamp) return null;
            if (entry.VerifiedAt - stamp.Value.LatestTime >= RacyWindow) return entry.Document;
            var checkedAt = DateTime.UtcNow;
            if (!HoldsBytesOf(target, entry)) return null;
            Entries.TryUpdate(target, entry.VerifiedAgain(checkedAt), entry);
            return entry.Document;
        }

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
        /// that SHA-256), with <paramref name="stamp"/>, known to hold them at <paramref name="verifiedAt"/> (take it before
        /// the bytes were read or written). The caller gives the document up: nothing may change it afterwards.
        /// </summary>
        public static void Remember(string target, FileStamp? stamp, long length, byte[] sha256, InventoryDocument document, DateTime verifiedAt)
        {
            if (Entries.Count >= MaxFiles && !Entries.ContainsKey(target)) Entries.Clear();
            Entries[target] = new Entry(stamp, length, sha256, document, verifiedAt);
        }

        public static void Forget(string target) => Entries.TryRemove(target, out _);

        /// <summary>The file's stamp, or null when it cannot be read (then nothing is shared).</summary>
        public static FileStamp? StampOf(string target)
        {
            try
            {
                if (UnixFiles.Stat(target).Times is FileTimes times) return new FileStamp(times.ModifiedAt, times.Size, times.ChangedAt, times.Inode);
                var info = new FileInfo(target);
                return info.Exists ? new FileStamp(info.LastWriteTimeUtc, info.Length, null, null) : null;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                return null;
            }
        }
    }

    internal readonly struct FileStamp : IEquatable<FileStamp>
    {
        public FileStamp(DateTime writtenAt, long length, DateTime? changedAt, ulong? inode)
        {
            WrittenAt = writtenAt;
            Length = length;
            ChangedAt = changedAt;
            Inode = inode;
        }

        public DateTime WrittenAt { get; }
        public long Length { get; }
        public DateTime? ChangedAt { get; }
        public ulong? Inode { get; }

        /// <summary>The later of the write and status-change times: what the racy window is measured from.</summary>
        public DateTime LatestTime => ChangedAt is DateTime changed && changed > WrittenAt ? changed : WrittenAt;

        public bool Equals(FileStamp other) => WrittenAt == other.WrittenAt && Length == other.Length && ChangedAt == other.ChangedAt && Inode == other.Inode;
        public override bool Equals(object? obj) => obj is FileStamp other && Equals(other);
        public override int GetHashCode() => WrittenAt.GetHashCode() ^ Length.GetHashCode();
        public static bool operator ==(FileStamp a, FileStamp b) => a.Equals(b);
        public static bool operator !=(FileStamp a, FileStamp b) => !a.Equals(b);
    }
}
