using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ComputeServices.Nova
{
    /// <summary>
    /// Reads a <c>GET /os-services</c> body straight into <see cref="ComputeService"/> objects with one forward pass of a
    /// <see cref="Utf8JsonReader"/>: no document tree, and Nova's fixed timestamp form parsed without format probing. The
    /// same tolerance as <see cref="NovaJson"/>: a missing key (a 2.69 down-cell record) is null, unknown keys are skipped.
    /// </summary>
    internal static class NovaServiceReader
    {
        /// <summary>The services of a listing body, or null when the body is not the JSON expected (the caller then reports it).</summary>
        public static List<ComputeService>? TryRead(string body, string source) => TryRead(Encoding.UTF8.GetBytes(body), source);

        /// <summary>The services of a listing body as sent (UTF-8), or null when it is not the JSON expected.</summary>
        public static List<ComputeService>? TryRead(byte[] utf8, string source)
        {
            try
            {
                var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
                var list = new List<ComputeService>();
                var zones = new RepeatedStrings();
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isServices = reader.ValueTextEquals("services"u8);
                    reader.Read();
                    if (!isServices || reader.TokenType != JsonTokenType.StartArray)
                    {
                        reader.Skip();
                        continue;
                    }
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.StartObject) list.Add(ReadService(ref reader, source, zones));
                        else reader.Skip();
                    }
                }
                return list;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static ComputeService ReadService(ref Utf8JsonReader reader, string source, RepeatedStrings zones)
        {
            string? id = null, binary = null, host = null, zone = null, status = null, state = null, reason = null;
            DateTime? updatedAt = null;
            bool? forcedDown = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8)) { reader.Read(); id = IdValue(ref reader); }
                else if (reader.ValueTextEquals("binary"u8)) { reader.Read(); binary = KnownOrString(ref reader, ServiceBinaries.Compute, "nova-compute"u8); }
                else if (reader.ValueTextEquals("host"u8)) { reader.Read(); host = StringValue(ref reader); }
                else if (reader.ValueTextEquals("zone"u8)) { reader.Read(); zone = zones.Value(ref reader); }
                else if (reader.ValueTextEquals("status"u8)) { reader.Read(); status = KnownOrString(ref reader, ServiceStatus.Enabled, "enabled"u8, ServiceStatus.Disabled, "disabled"u8); }
                else if (reader.ValueTextEquals("state"u8)) { reader.Read(); state = KnownOrString(ref reader, ServiceState.Up, "up"u8, ServiceState.Down, "down"u8); }
                else if (reader.ValueTextEquals("disabled_reason"u8)) { reader.Read(); reason = StringValue(ref reader); }
                else if (reader.ValueTextEquals("updated_at"u8)) { reader.Read(); updatedAt = TimestampValue(ref reader); }
                else if (reader.ValueTextEquals("forced_down"u8)) { reader.Read(); forcedDown = BoolValue(ref reader); }
                else { reader.Read(); reader.Skip(); }
            }
            return new ComputeService(id, binary ?? "", host ?? "", zone, status ?? ServiceStatus.Unknown, state, forcedDown, reason,
                updatedAt, source);
        }

        internal static string? StringValue(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.String) return reader.GetString();
            reader.Skip();
            return null;
        }

        // The values almost every row repeats are not allocated again for each row (compared as UTF-8, not transcoded).
        private static string? KnownOrString(ref Utf8JsonReader reader, string known, ReadOnlySpan<byte> knownUtf8)
            => reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(knownUtf8) ? known : StringValue(ref reader);

        private static string? KnownOrString(ref Utf8JsonReader reader, string known, ReadOnlySpan<byte> knownUtf8, string other, ReadOnlySpan<byte> otherUtf8)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                if (reader.ValueTextEquals(knownUtf8)) return known;
                if (reader.ValueTextEquals(otherUtf8)) return other;
            }
            return StringValue(ref reader);
        }

        private static string? IdValue(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String: return reader.GetString();
                case JsonTokenType.Number:
                    return reader.TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : Encoding.UTF8.GetString(reader.ValueSpan.ToArray());
                default:
                    reader.Skip();
                    return null;
            }
        }

        private static bool? BoolValue(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.True: return true;
                case JsonTokenType.False: return false;
                case JsonTokenType.String: return bool.TryParse(reader.GetString(), out var b) ? b : (bool?)null;
                default:
                    reader.Skip();
                    return null;
            }
        }

        private static DateTime? TimestampValue(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence && NovaTimestamp(reader.ValueSpan) is DateTime direct)
                return direct;
            return Timestamp(StringValue(ref reader));
        }

        /// <summary>Nova's <c>2012-10-29T13:42:02.000000</c> (UTC, no suffix) read directly; anything else as NovaJson reads it.</summary>
        internal static DateTime? Timestamp(string? text)
        {
            if (text == null) return null;
            if (text.Length <= 32 && NovaTimestamp(Encoding.ASCII.GetBytes(text)) is DateTime direct) return direct;
            return NovaJson.Timestamp(text);
        }

        // Nova's own form as UTF-8, without a string: null when it is not exactly that form.
        private static DateTime? NovaTimestamp(ReadOnlySpan<byte> text)
        {
            if (text.Length >= 19 && text[4] == (byte)'-' && text[7] == (byte)'-' && (text[10] == (byte)'T' || text[10] == (byte)' ') && text[13] == (byte)':' && text[16] == (byte)':'
                && Digits(text, 0, 4, out var year) && Digits(text, 5, 2, out var month) && Digits(text, 8, 2, out var day)
                && Digits(text, 11, 2, out var hour) && Digits(text, 14, 2, out var minute) && Digits(text, 17, 2, out var second)
                && month >= 1 && month <= 12 && day >= 1 && day <= DateTime.DaysInMonth(Math.Max(1, year), month) && hour < 24 && minute < 60 && second < 60)
            {
                long ticks = 0;
                if (text.Length == 19) return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
                if (text[19] == (byte)'.' && text.Length > 20 && text.Length <= 26 && Digits(text, 20, text.Length - 20, out var fraction))
                {
                    ticks = fraction;
                    for (var i = text.Length - 20; i < 7; i++) ticks *= 10;
                    return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks);
                }
            }
            return null;
        }

        private static bool Digits(ReadOnlySpan<byte> text, int start, int count, out int value)
        {
            value = 0;
            for (var i = start; i < start + count; i++)
            {
                var c = text[i];
                if (c < (byte)'0' || c > (byte)'9') return false;
                value = value * 10 + (c - '0');
            }
            return true;
        }
    }

    /// <summary>
    /// The few distinct values a listing repeats in every row (availability zones): each is allocated once per listing.
    /// Up to 32 distinct values are kept; any others are read as new strings.
    /// </summary>
    internal sealed class RepeatedStrings
    {
        private const int Max = 32;
        private readonly List<(byte[] Utf8, string Text)> _seen = new List<(byte[], string)>();

        public string? Value(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence)
                return NovaServiceReader.StringValue(ref reader);
            var span = reader.ValueSpan;
            foreach (var (utf8, text) in _seen)
                if (span.SequenceEqual(utf8)) return text;
            var value = reader.GetString()!;
            if (_seen.Count < Max) _seen.Add((span.ToArray(), value));
            return value;
        }
    }
}
