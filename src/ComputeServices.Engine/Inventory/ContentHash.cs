using System;
using System.IO;
using System.Security.Cryptography;

namespace ComputeServices.Inventory
{
    /// <summary>SHA-256 of a file's bytes: how a writer knows, exactly, that the file is the one this process last saw.</summary>
    internal static class ContentHash
    {
        public static byte[] Of(byte[] bytes)
        {
            using (var sha = SHA256.Create()) return sha.ComputeHash(bytes);
        }

        // Hashed in chunks: a 60 MB inventory is not copied into memory just to learn it is unchanged.
        public static byte[] OfFile(string path)
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16))
            using (var sha = SHA256.Create())
                return sha.ComputeHash(stream);
        }

        /// <summary>
        /// Passes every write on to the stream it wraps (which it leaves open) and hashes it on the way, so a document is
        /// serialized straight into its file, never into one large array first.
        /// </summary>
        public sealed class Writer : Stream
        {
            private readonly Stream _inner;
            private readonly SHA256 _sha = SHA256.Create();
            private byte[]? _hash;

            public Writer(Stream inner) => _inner = inner;

            /// <summary>How many bytes were written.</summary>
            public override long Length => _written;
            private long _written;

            /// <summary>The hash of everything written; no more writes after this.</summary>
            public byte[] Hash
            {
                get
                {
                    if (_hash == null)
                    {
                        _sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
                        _hash = _sha.Hash;
                    }
                    return _hash!;
                }
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
                if (_hash != null) throw new InvalidOperationException("The hash was already taken.");
                _sha.TransformBlock(buffer, offset, count, null, 0);
                _inner.Write(buffer, offset, count);
                _written += count;
            }

            public override void Flush() => _inner.Flush();
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Position { get => _written; set => throw new NotSupportedException(); }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing) _sha.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
