using System;
using System.IO;
using System.Text.Json;
using System.Threading;

namespace ComputeServices.Inventory
{
    /// <summary>
    /// Reads and writes one inventory file safely. Every write is a read-modify-write under an exclusive lock
    /// (<see cref="InventoryWriteLock"/>, beside the file its symlinks point to), and lands atomically: a temp file in
    /// the same folder, with the file's own mode, is flushed to disk and renamed over the original. Readers need no
    /// lock: they see the old file or the new one, never half. A file that cannot be parsed or validated is reported
    /// and never overwritten; a path that is not a regular file is refused before it is opened.
    /// </summary>
    public sealed class InventoryFile
    {
        internal static readonly JsonSerializerOptions JsonOptions = InventoryJson.Default.Options;

        private static long _parses;

        /// <summary>How many inventories this process has parsed (tests and the benchmark see the shared documents at work).</summary>
        internal static long Parses => System.Threading.Interlocked.Read(ref _parses);

        /// <summary>From this size on the text check runs on another thread while the document is deserialized.</summary>
        private const int CheckBesideFrom = 256 * 1024;

        private readonly TimeSpan _lockTimeout;

        public InventoryFile(string path, TimeSpan? lockTimeout = null)
        {
            Path = InventoryPaths.FullPath(path);
            _lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);
            StaleAfter = TimeSpan.FromMinutes(5);
        }

        /// <summary>The inventory's full path as given (a symlink stays a symlink: writes go to its final target).</summary>
        public string Path { get; }

        /// <summary>The file really read and written: <see cref="Path"/> with its symlinks followed.</summary>
        public string TargetPath => InventoryPaths.ResolveTarget(Path);

        public string LockPath => TargetPath + ".lock";

        /// <summary>
        /// Temp files of crashed writers older than this are removed, and so is a lock owner file from another host
        /// (tests shorten it so they need not wait minutes).
        /// </summary>
        internal TimeSpan StaleAfter { get; set; }

        /// <summary>Called after the temp file is written and before it replaces the inventory (tests inject failures here).</summary>
        internal Action<string>? BeforeReplace { get; set; }

        public InventoryDocument Read() => ReadTarget(TargetPath);

        /// <summary>Reads, changes and writes the inventory as one step that no other writer can interleave with.</summary>
        public T Update<T>(Func<InventoryDocument, T> change, CancellationToken cancellationToken = default)
        {
            using (var writeLock = Lock(cancellationToken))
            {
                var document = writeLock.Read();
                var result = change(document);
                // The document is this call's own (a fresh parse or a copy): the process may share it once written.
                writeLock.Commit(document, shareAfterwards: true);
                return result;
            }
        }

        /// <summary>
        /// Takes the exclusive write lock (waiting up to the lock timeout, then <c>InventoryLocked</c>). Read, change and
        /// <see cref="InventoryWriteLock.Commit"/> through it; a batch commits many changes at once.
        /// </summary>
        public InventoryWriteLock Lock(CancellationToken cancellationToken = default)
        {
            var target = InventoryPaths.WriteTarget(Path);
            RequireSingleName(RequireRegularFile(target));
            return InventoryWriteLock.Acquire(this, target, _lockTimeout, StaleAfter, cancellationToken);
        }

        /// <summary><c>InvalidInventoryPath</c> for a file with other hard links: replacing it would split the inventory.</summary>
        internal void RequireSingleName(FileFacts facts)
        {
            if (facts.Kind == FileKind.Regular && facts.Links > 1) throw InventoryPaths.HardLinked(Path, facts.Links.Value);
        }

        /// <summary>
        /// Creates a new inventory file (0600 on Unix, owned by this user); refuses to replace an existing one unless
        /// <paramref name="overwrite"/>. It replaces the name itself: a symbolic link there is refused, never followed
        /// (in a shared sticky folder another user could plant one pointing at a file of ours), and a file replaced is
        /// a new file, not the old one's mode and owner (its previous owner must not be able to read the new content).
        /// </summary>
        public void Create(InventoryDocument document, bool overwrite)
        {
            InventoryValidator.Validate(document, Path);
            var target = Path;
            if (InventoryPaths.IsLink(target)) throw InventoryPaths.LinkAtNewFile(Path);
            var folder = System.IO.Path.GetDirectoryName(target);
            try
            {
                if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw InventoryPaths.WriteFailed(Path, $"creating the folder '{folder}'", ex);
            }
            using (var writeLock = InventoryWriteLock.Acquire(this, target, _lockTimeout, StaleAfter, CancellationToken.None))
            {
                FileFacts facts;
                try
                {
                    facts = UnixFiles.Stat(target, followLinks: false);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw InventoryPaths.WriteFailed(Path, "checking what is there", ex);
                }
                if (facts.Kind == FileKind.Link) throw InventoryPaths.LinkAtNewFile(Path);
                RequireSingleName(facts);
                if (facts.Kind != FileKind.Missing && facts.Kind != FileKind.Regular)
                    throw InventoryPaths.WriteFailed(Path, "it is " + facts.KindName + ", not a file", new IOException($"'{target}' is {facts.KindName}."));
                if (!overwrite && facts.Kind == FileKind.Regular)
                    throw new ComputeServiceException(ErrorIds.InventoryExists, FailureKind.InvalidOperation,
                        $"The inventory file '{Path}' already exists.")
                    {
                        Target = Path,
                        RecommendedAction = "Choose another path, or use -Force to replace it.",
                    };
                writeLock.Commit(document, shareAfterwards: false, asNewFile: true);
            }
        }

        /// <summary>Reads <paramref name="target"/>, refusing anything but a regular file before opening it (a FIFO would block).</summary>
        internal InventoryDocument ReadTarget(string target) => Parse(ReadBytes(target), Path);

        /// <summary>The bytes of <paramref name="target"/>, refusing anything but a regular file before opening it.</summary>
        internal byte[] ReadBytes(string target)
        {
            RequireRegularFile(target);
            try
            {
                return ReadAllBytesShared(target);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                throw InventoryPaths.NotFound(Path, ex);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw InventoryPaths.Unreadable(Path, ex);
            }
        }

        public static InventoryDocument Parse(string text, string path) => Parse(System.Text.Encoding.UTF8.GetBytes(text), path);

        /// <summary>Parses and validates an inventory. One pass over the bytes; the version is probed only when that fails.</summary>
        public static InventoryDocument Parse(byte[] bytes, string path)
        {
            System.Threading.Interlocked.Increment(ref _parses);
            var start = HasBom(bytes) ? 3 : 0;
            var json = new ReadOnlySpan<byte>(bytes, start, bytes.Length - start);
            // What the deserializer lets through (invalid UTF-8, keys given twice) is checked beside it on a large file.
            var check = bytes.Length >= CheckBesideFrom
                ? System.Threading.Tasks.Task.Run(() => InventoryTextCheck.Check(new ReadOnlySpan<byte>(bytes, start, bytes.Length - start), path))
                : null;
            if (check == null) InventoryTextCheck.Check(json, path);
            InventoryDocument? document;
            try
            {
                document = JsonSerializer.Deserialize(json, InventoryJson.Default.InventoryDocument);
            }
            catch (JsonException ex)
            {
                check?.GetAwaiter().GetResult(); // its finding (a bad byte, a key twice) says more than where the parse stopped
                // A newer schema may not even deserialize: say that, rather than where it stopped.
                var version = ProbeSchemaVersion(json);
                if (version.HasValue && version != InventoryDocument.CurrentSchemaVersion) throw UnsupportedVersion(path, version.Value);
                var where = ex.LineNumber.HasValue ? $" (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1})" : "";
                var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" at {ex.Path}";
                throw Corrupt(path, $"it is not valid inventory JSON{field}{where}: {FirstSentence(ex.Message)}", ex);
            }
            check?.GetAwaiter().GetResult();
            if (document == null) throw Corrupt(path, "the document is null.");
            if (document.SchemaVersion == null) throw Corrupt(path, "'schema_version' is missing.");
            if (document.SchemaVersion != InventoryDocument.CurrentSchemaVersion) throw UnsupportedVersion(path, document.SchemaVersion.Value);
            InventoryValidator.Validate(document, path);
            return document;
        }

        private static ComputeServiceException UnsupportedVersion(string path, int version)
            => Corrupt(path, $"schema_version {version} is not supported; this version of ComputeServices reads schema_version {InventoryDocument.CurrentSchemaVersion}.");

        private static int? ProbeSchemaVersion(ReadOnlySpan<byte> json)
        {
            try
            {
                var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isVersion = reader.ValueTextEquals("schema_version");
                    if (!reader.Read()) return null;
                    if (isVersion) return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v) ? v : (int?)null;
                    reader.Skip();
                }
            }
            catch (JsonException)
            {
            }
            return null;
        }

        private static bool HasBom(byte[] bytes) => bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;

        internal static ComputeServiceException Corrupt(string path, string problem, Exception? inner = null)
            => new ComputeServiceException(ErrorIds.InventoryCorrupt, FailureKind.InvalidData,
                $"The inventory file '{path}' cannot be used: {problem}", inner)
            {
                Target = path,
                RecommendedAction = "Fix the file by hand or restore it from a backup; ComputeServices will not overwrite it until it is valid.",
            };

        /// <summary>InventoryNotFound unless <paramref name="target"/> is a regular file; checked without opening it.</summary>
        private FileFacts RequireRegularFile(string target)
        {
            FileFacts facts;
            try
            {
                facts = UnixFiles.Stat(target);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw InventoryPaths.Unreadable(Path, ex);
            }
            if (facts.Kind == FileKind.Missing) throw InventoryPaths.NotFound(Path);
            if (facts.Kind != FileKind.Regular) throw InventoryPaths.NotARegularFile(Path, facts);
            return facts;
        }

        private static byte[] ReadAllBytesShared(string path)
        {
            // Windows can briefly refuse to open a file while it is being replaced; retry a few times.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan))
                        return ReadToEnd(stream);
                }
                catch (IOException ex) when (attempt < 20 && !(ex is FileNotFoundException) && !(ex is DirectoryNotFoundException))
                {
                    Thread.Sleep(10);
                }
            }
        }

        // Straight into one array of the file's size (a large inventory is not copied twice); grows if the file does.
        private static byte[] ReadToEnd(FileStream stream)
        {
            var bytes = new byte[stream.CanSeek ? Math.Max(stream.Length, 0) : 0];
            var filled = 0;
            while (true)
            {
                if (filled == bytes.Length)
                {
                    var next = stream.ReadByte();
                    if (next < 0) return bytes;
                    Array.Resize(ref bytes, Math.Max(bytes.Length * 2, 4096));
                    bytes[filled++] = (byte)next;
                }
                var read = stream.Read(bytes, filled, bytes.Length - filled);
                if (read == 0)
                {
                    if (filled != bytes.Length) Array.Resize(ref bytes, filled);
                    return bytes;
                }
                filled += read;
            }
        }

        private static string FirstSentence(string message)
        {
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            return cut > 0 ? message.Substring(0, cut) : message;
        }
    }
}
