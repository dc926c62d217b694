using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading;

namespace ComputeServices.Inventory
{
    /// <summary>
    /// Reads and writes one inventory file safely. Every write is a read-modify-write under an exclusive lock
    /// (a sibling <c>.lock</c> file), and lands atomically: a temp file in the same folder is flushed to disk
    /// and renamed over the original. Readers need no lock: they see the old file or the new one, never half.
    /// A file that cannot be parsed or validated is reported and never overwritten.
    /// </summary>
    public sealed class InventoryFile
    {
        private static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions
        {
            WriteIndented = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        };

        private readonly TimeSpan _lockTimeout;

        public InventoryFile(string path, TimeSpan? lockTimeout = null)
        {
            if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("The inventory path must not be empty.", nameof(path));
            Path = System.IO.Path.GetFullPath(path);
            _lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);
        }

        public string Path { get; }
        public string LockPath => Path + ".lock";

        /// <summary>Called after the temp file is written and before it replaces the inventory (tests inject failures here).</summary>
        internal Action<string>? BeforeReplace { get; set; }

        public InventoryDocument Read()
        {
            byte[] bytes;
            try
            {
                bytes = ReadAllBytesShared(Path);
            }
            catch (FileNotFoundException ex)
            {
                throw NotFound(ex);
            }
            catch (DirectoryNotFoundException ex)
            {
                throw NotFound(ex);
            }
            return Parse(bytes, Path);
        }

        /// <summary>Reads, changes and writes the inventory as one step that no other writer can interleave with.</summary>
        public T Update<T>(Func<InventoryDocument, T> change, CancellationToken cancellationToken = default)
        {
            using (AcquireLock(cancellationToken))
            {
                var document = Read();
                var result = change(document);
                Write(document);
                return result;
            }
        }

        /// <summary>Creates a new inventory file; refuses to replace an existing one unless <paramref name="overwrite"/>.</summary>
        public void Create(InventoryDocument document, bool overwrite)
        {
            InventoryValidator.Validate(document, Path);
            var folder = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            using (AcquireLock(CancellationToken.None))
            {
                if (!overwrite && File.Exists(Path))
                    throw new ComputeServiceException(ErrorIds.InventoryExists, FailureKind.InvalidOperation,
                        $"The inventory file '{Path}' already exists.")
                    {
                        Target = Path,
                        RecommendedAction = "Choose another path, or use -Force to replace it.",
                    };
                Write(document);
            }
        }

        public static InventoryDocument Parse(string text, string path) => Parse(System.Text.Encoding.UTF8.GetBytes(text), path);

        /// <summary>Parses and validates an inventory. One pass over the bytes; the version is probed only when that fails.</summary>
        public static InventoryDocument Parse(byte[] bytes, string path)
        {
            var json = WithoutBom(bytes);
            InventoryDocument? document;
            try
            {
                document = JsonSerializer.Deserialize<InventoryDocument>(json, JsonOptions);
            }
            catch (JsonException ex)
            {
                // A newer schema may not even deserialize: say that, rather than where it stopped.
                var version = ProbeSchemaVersion(json);
                if (version.HasValue && version != InventoryDocument.CurrentSchemaVersion) throw UnsupportedVersion(path, version.Value);
                var where = ex.LineNumber.HasValue ? $" (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1})" : "";
                var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" at {ex.Path}";
                throw Corrupt(path, $"it is not valid inventory JSON{field}{where}: {FirstSentence(ex.Message)}", ex);
            }
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

        private static ReadOnlySpan<byte> WithoutBom(byte[] bytes)
            => bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
                ? new ReadOnlySpan<byte>(bytes, 3, bytes.Length - 3)
                : bytes;

        internal static ComputeServiceException Corrupt(string path, string problem, Exception? inner = null)
            => new ComputeServiceException(ErrorIds.InventoryCorrupt, FailureKind.InvalidData,
                $"The inventory file '{path}' cannot be used: {problem}", inner)
            {
                Target = path,
                RecommendedAction = "Fix the file by hand or restore it from a backup; ComputeServices will not overwrite it until it is valid.",
            };

        private ComputeServiceException NotFound(Exception inner)
            => new ComputeServiceException(ErrorIds.InventoryNotFound, FailureKind.NotFound,
                $"The inventory file '{Path}' does not exist.", inner)
            {
                Target = Path,
                RecommendedAction = "Create it with New-ComputeServiceInventory -Path <file> [-Sample], or point -InventoryPath / $env:COMPUTESERVICES_INVENTORY at an existing one.",
            };

        private void Write(InventoryDocument document)
        {
            var folder = System.IO.Path.GetDirectoryName(Path) ?? ".";
            var temp = System.IO.Path.Combine(folder, "." + System.IO.Path.GetFileName(Path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                var bytes = JsonSerializer.SerializeToUtf8Bytes(document, JsonOptions);
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
                {
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(flushToDisk: true);
                }
                BeforeReplace?.Invoke(temp);
                if (File.Exists(Path)) File.Replace(temp, Path, null);
                else File.Move(temp, Path);
            }
            finally
            {
                try { if (File.Exists(temp)) File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        private IDisposable AcquireLock(CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var delay = 5;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    // FileShare.None is an exclusive lock across processes (flock on Unix, a share lock on Windows).
                    return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException) when (watch.Elapsed < _lockTimeout)
                {
                    Thread.Sleep(delay);
                    delay = Math.Min(delay * 2, 100);
                }
                catch (IOException ex)
                {
                    throw new ComputeServiceException(ErrorIds.InventoryLocked, FailureKind.Timeout,
                        $"The inventory file '{Path}' stayed locked by another writer for {_lockTimeout.TotalSeconds:0.###} seconds.", ex)
                    {
                        Target = Path,
                        RecommendedAction = $"Check for a hung process holding '{LockPath}', then retry.",
                    };
                }
            }
        }

        private static byte[] ReadAllBytesShared(string path)
        {
            // Windows can briefly refuse to open a file while it is being replaced; retry a few times.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                    using (var buffer = new MemoryStream(stream.CanSeek ? (int)stream.Length : 0))
                    {
                        stream.CopyTo(buffer);
                        return buffer.ToArray();
                    }
                }
                catch (IOException ex) when (attempt < 20 && !(ex is FileNotFoundException) && !(ex is DirectoryNotFoundException))
                {
                    Thread.Sleep(10);
                }
            }
        }

        private static string FirstSentence(string message)
        {
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            return cut > 0 ? message.Substring(0, cut) : message;
        }
    }
}
