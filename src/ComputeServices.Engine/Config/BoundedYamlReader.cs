using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ComputeServices.Config
{
    /// <summary>
    /// Reads clouds.yaml / secure.yaml into maps, lists and strings in bounded time and memory: the file is capped in size,
    /// an alias shares its anchor's node instead of copying it, and the tree as a reader would see it with every alias
    /// expanded is capped in nodes (a 500-byte "billion laughs" file fails at once instead of growing to gigabytes).
    /// Duplicate keys are refused: YAML forbids them, and the last one silently winning hides a typo in credentials.
    /// </summary>
    internal static class BoundedYamlReader
    {
        public const long MaxFileBytes = 1024 * 1024;
        public const long MaxExpandedNodes = 100_000;

        public static Dictionary<string, object?> ReadFile(string path)
        {
            string text;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                if (stream.CanSeek && stream.Length > MaxFileBytes) throw TooLarge(path, stream.Length);
                var buffer = new byte[MaxFileBytes + 1];
                var read = 0;
                int n;
                while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0) read += n;
                if (read > MaxFileBytes) throw TooLarge(path, read);
                text = new UTF8Encoding(false).GetString(buffer, 0, read);
                if (text.Length > 0 && text[0] == '\uFEFF') text = text.Substring(1);
            }
            return Read(text, path);
        }

        public static Dictionary<string, object?> Read(string text, string path)
        {
            var parser = new Parser(new StringReader(text));
            try
            {
                parser.Consume<StreamStart>();
                if (parser.Accept<StreamEnd>(out _)) return new Dictionary<string, object?>(StringComparer.Ordinal);
                parser.Consume<DocumentStart>();
                var state = new State(path);
                var root = ReadNode(parser, state, out _);
                return root as Dictionary<string, object?> ?? new Dictionary<string, object?>(StringComparer.Ordinal);
            }
            catch (InvalidOperationException ex)
            {
                // The parser reached the end of the text in the middle of a node.
                throw Invalid(path, parser.Current?.End ?? Mark.Empty, "the file ends in the middle of a mapping or list (" + ex.Message + ")");
            }
        }

        private sealed class State
        {
            public State(string path) => Path = path;
            public string Path { get; }
            public Dictionary<string, (object? Node, long Size)> Anchors { get; } = new Dictionary<string, (object?, long)>(StringComparer.Ordinal);
            public long Expanded { get; private set; }

            public void Count(long nodes, Mark at)
            {
                Expanded += nodes;
                if (Expanded > MaxExpandedNodes)
                    throw Invalid(Path, at, $"it expands to more than {MaxExpandedNodes} nodes (aliases that repeat aliases, or a file far larger than any cloud configuration)");
            }
        }

        /// <summary>Reads one node; <paramref name="size"/> is its node count with every alias expanded.</summary>
        private static object? ReadNode(IParser parser, State state, out long size)
        {
            if (parser.TryConsume<AnchorAlias>(out var alias))
            {
                if (!state.Anchors.TryGetValue(alias.Value.Value, out var anchored))
                    throw Invalid(state.Path, alias.Start, $"the alias *{alias.Value.Value} names no anchor");
                state.Count(anchored.Size, alias.Start);
                size = anchored.Size;
                return anchored.Node;
            }
            if (parser.TryConsume<Scalar>(out var scalar))
            {
                state.Count(1, scalar.Start);
                size = 1;
                object? value = scalar.Style == ScalarStyle.Plain && IsNull(scalar.Value) ? null : scalar.Value;
                Remember(state, scalar.Anchor, value, size);
                return value;
            }
            if (parser.TryConsume<SequenceStart>(out var sequenceStart))
            {
                state.Count(1, sequenceStart.Start);
                var list = new List<object?>();
                size = 1;
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    list.Add(ReadNode(parser, state, out var itemSize));
                    size += itemSize;
                }
                Remember(state, sequenceStart.Anchor, list, size);
                return list;
            }
            if (parser.TryConsume<MappingStart>(out var mappingStart))
            {
                state.Count(1, mappingStart.Start);
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                size = 1;
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyAt = parser.Current?.Start ?? mappingStart.Start;
                    var key = ReadNode(parser, state, out var keySize);
                    if (key is Dictionary<string, object?> || key is List<object?>)
                        throw Invalid(state.Path, keyAt, "a mapping or list is used as a key");
                    var name = (string?)key ?? "";
                    var value = ReadNode(parser, state, out var valueSize);
                    if (map.ContainsKey(name))
                        throw Invalid(state.Path, keyAt, $"the key '{name}' appears twice in the same mapping");
                    map[name] = value;
                    size += keySize + valueSize;
                }
                Remember(state, mappingStart.Anchor, map, size);
                return map;
            }
            var unexpected = parser.Current;
            throw Invalid(state.Path, unexpected?.Start ?? Mark.Empty, $"unexpected {unexpected?.GetType().Name ?? "end of file"}");
        }

        private static void Remember(State state, AnchorName anchor, object? node, long size)
        {
            if (!anchor.IsEmpty) state.Anchors[anchor.Value] = (node, size);
        }

        private static bool IsNull(string value) => value.Length == 0 || value == "~" || value == "null" || value == "Null" || value == "NULL";

        private static ComputeServiceException Invalid(string path, Mark at, string what)
            => new ComputeServiceException(ErrorIds.CloudConfigInvalid, FailureKind.InvalidData,
                $"The cloud configuration file '{path}' is refused (line {at.Line}, column {at.Column}): {what}.")
            {
                Target = path,
                RecommendedAction = $"Fix line {at.Line} of {path}.",
            };

        private static ComputeServiceException TooLarge(string path, long length)
            => new ComputeServiceException(ErrorIds.CloudConfigInvalid, FailureKind.InvalidData,
                $"The cloud configuration file '{path}' is refused: it is larger than {MaxFileBytes / 1024} KB ({length} bytes or more).")
            {
                Target = path,
                RecommendedAction = "Point OS_CLIENT_CONFIG_FILE at the real clouds.yaml (a few KB).",
            };
    }
}
