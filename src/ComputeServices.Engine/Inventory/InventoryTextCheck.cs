using System;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ComputeServices.Inventory
{
    /// <summary>
    /// What the JSON deserializer lets through but a rewrite would silently change: bytes that are not UTF-8 (they would
    /// come back as U+FFFD or not at all), and a key given twice in one object, also in another case ("host" and "Host":
    /// the last one or the known spelling would win and the other be dropped or kept as an unknown field). Such a file
    /// is <c>InventoryCorrupt</c>, naming the line, and is never rewritten.
    /// </summary>
    internal static class InventoryTextCheck
    {
        /// <summary>Throws <c>InventoryCorrupt</c> for the first problem found; structural errors are left to the deserializer.</summary>
        public static void Check(ReadOnlySpan<byte> json, string path)
        {
            var bad = FirstInvalidUtf8(json);
            if (bad >= 0)
                throw InventoryFile.Corrupt(path, $"line {LineOf(json, bad)}: byte 0x{json[bad]:X2} (offset {bad}) is not valid UTF-8; save the file as UTF-8.");
            CheckKeys(json, path);
        }

        /// <summary>The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or -1.</summary>
        internal static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
        {
            var i = 0;
            var n = bytes.Length;
            while (i < n)
            {
                // ASCII, eight bytes at a time: nearly all of an inventory.
                while (i + 8 <= n && (MemoryMarshal.Read<ulong>(bytes.Slice(i)) & 0x8080808080808080UL) == 0) i += 8;
                if (i >= n) break;
                var b = bytes[i];
                if (b < 0x80)
                {
                    i++;
                    continue;
                }
                int extra;
                byte min = 0x80, max = 0xBF; // the allowed range of the second byte (no overlongs, surrogates or > U+10FFFF)
                if (b >= 0xC2 && b <= 0xDF) extra = 1;
                else if (b >= 0xE0 && b <= 0xEF)
                {
                    extra = 2;
                    if (b == 0xE0) min = 0xA0;
                    else if (b == 0xED) max = 0x9F;
                }
                else if (b >= 0xF0 && b <= 0xF4)
                {
                    extra = 3;
                    if (b == 0xF0) min = 0x90;
                    else if (b == 0xF4) max = 0x8F;
                }
                else return i;
                if (i + extra >= n) return i;
                var second = bytes[i + 1];
                if (second < min || second > max) return i;
                for (var k = 2; k <= extra; k++)
                    if ((bytes[i + k] & 0xC0) != 0x80) return i;
                i += extra + 1;
            }
            return -1;
        }

        private static void CheckKeys(ReadOnlySpan<byte> json, string path)
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 });
            var keys = new KeySet();
            try
            {
                while (reader.Read())
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.StartObject:
                            keys.Open();
                            break;
                        case JsonTokenType.EndObject:
                            keys.Close();
                            break;
                        case JsonTokenType.PropertyName:
                            var start = (int)reader.TokenStartIndex;
                            var name = reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!) : null;
                            var earlier = keys.Add(json, start + 1, name ?? reader.ValueSpan, name);
                            if (earlier >= 0)
                            {
                                var first = keys.NameAt(json, earlier);
                                var second = name == null ? Encoding.UTF8.GetString(reader.ValueSpan.ToArray()) : reader.GetString()!;
                                var how = first == second ? $"the key \"{second}\" appears twice in one object"
                                    : $"the keys \"{first}\" and \"{second}\" differ only in case in one object";
                                throw InventoryFile.Corrupt(path, $"line {LineOf(json, start)}: {how} (the first on line {LineOf(json, keys.OffsetAt(earlier))}); keep one.");
                            }
                            break;
                    }
                }
            }
            catch (JsonException)
            {
                // Not well-formed: the deserializer says where and why.
            }
        }

        /// <summary>The 1-based line of <paramref name="offset"/>.</summary>
        internal static int LineOf(ReadOnlySpan<byte> json, int offset)
        {
            var line = 1;
            var upTo = json.Slice(0, Math.Min(offset, json.Length));
            int at;
            while ((at = upTo.IndexOf((byte)'\n')) >= 0)
            {
                line++;
                upTo = upTo.Slice(at + 1);
            }
            return line;
        }

        /// <summary>
        /// The keys of every object still open, as offsets into the text (no copies), each object's from its own start.
        /// Compared ignoring ASCII case, by a case-folded hash first: objects have a dozen keys, files a million objects.
        /// </summary>
        private sealed class KeySet
        {
            private int[] _offsets = new int[64];
            private int[] _lengths = new int[64];
            private uint[] _hashes = new uint[64];
            private byte[]?[] _unescaped = new byte[]?[64];
            private int[] _objectStarts = new int[16];
            private int _count;
            private int _depth;

            public void Open()
            {
                if (_depth == _objectStarts.Length) Array.Resize(ref _objectStarts, _depth * 2);
                _objectStarts[_depth++] = _count;
            }

            public void Close()
            {
                if (_depth > 0) _count = _objectStarts[--_depth];
            }

            /// <summary>Adds a key of the innermost object; returns the index of an earlier key equal to it ignoring case, or -1.</summary>
            public int Add(ReadOnlySpan<byte> json, int offset, ReadOnlySpan<byte> name, byte[]? unescaped)
            {
                var hash = FoldedHash(name);
                var from = _depth > 0 ? _objectStarts[_depth - 1] : 0;
                for (var i = from; i < _count; i++)
                    if (_hashes[i] == hash && _lengths[i] == name.Length && EqualsIgnoringAsciiCase(Name(json, i), name)) return i;
                if (_count == _offsets.Length)
                {
                    var size = _count * 2;
                    Array.Resize(ref _offsets, size);
                    Array.Resize(ref _lengths, size);
                    Array.Resize(ref _hashes, size);
                    Array.Resize(ref _unescaped, size);
                }
                _offsets[_count] = offset;
                _lengths[_count] = name.Length;
                _hashes[_count] = hash;
                _unescaped[_count] = unescaped;
                _count++;
                return -1;
            }

            public int OffsetAt(int index) => _offsets[index] - 1;

            public string NameAt(ReadOnlySpan<byte> json, int index) => Encoding.UTF8.GetString(Name(json, index).ToArray());

            private ReadOnlySpan<byte> Name(ReadOnlySpan<byte> json, int index)
                => _unescaped[index] is byte[] own ? own : json.Slice(_offsets[index], _lengths[index]);

            private static uint FoldedHash(ReadOnlySpan<byte> name)
            {
                var hash = 2166136261u;
                foreach (var b in name) hash = (hash ^ (uint)(b >= 'A' && b <= 'Z' ? b | 0x20 : b)) * 16777619u;
                return hash;
            }

            private static bool EqualsIgnoringAsciiCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
            {
                for (var i = 0; i < a.Length; i++)
                {
                    var x = a[i];
                    var y = b[i];
                    if (x == y) continue;
                    if ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z') return false;
                }
                return true;
            }
        }
    }
}
