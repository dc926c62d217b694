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
        public static List<ComputeService>? TryRead(string body, string source)
        {
            try
            {
                var bytes = Encoding.UTF8.GetBytes(body);
                var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
                var list = new List<ComputeService>();
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isServices = reader.ValueTextEquals("services");
                    reader.Read();
                    if (!isServices || reader.TokenType != JsonTokenType.StartArray)
                    {
                        reader.Skip();
                        continue;
                    }
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.StartObject) list.Add(ReadService(ref reader, source));
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

        private static ComputeService ReadService(ref Utf8JsonReader reader, string source)
        {
            string? id = null, binary = null, host = null, zone = null, status = null, state = null, reason = null, updated = null;
            bool? forcedDown = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id")) { reader.Read(); id = IdValue(ref reader); }
                else if (reader.ValueTextEquals("binary")) { reader.Read(); binary = StringValue(ref reader); }
                else if (reader.ValueTextEquals("host")) { reader.Read(); host = StringValue(ref reader); }
                else if (reader.ValueTextEquals("zone")) { reader.Read(); zone = StringValue(ref reader); }
                else if (reader.ValueTextEquals("status")) { reader.Read(); status = StringValue(ref reader); }
                else if (reader.ValueTextEquals("state")) { reader.Read(); state = StringValue(ref reader); }
                else if (reader.ValueTextEquals("disabled_reason")) { reader.Read(); reason = StringValue(ref reader); }
                else if (reader.ValueTextEquals("updated_at")) { reader.Read(); updated = StringValue(ref reader); }
                else if (reader.ValueTextEquals("forced_down")) { reader.Read(); forcedDown = BoolValue(ref reader); }
                else { reader.Read(); reader.Skip(); }
            }
            return new ComputeService(id, binary ?? "", host ?? "", zone, status ?? ServiceStatus.Unknown, state, forcedDown, reason,
                Timestamp(updated), source);
        }

        private static string? StringValue(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.String) return reader.GetString();
            reader.Skip();
            return null;
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

        /// <summary>Nova's <c>2012-10-29T13:42:02.000000</c> (UTC, no suffix) read directly; anything else as NovaJson reads it.</summary>
        internal static DateTime? Timestamp(string? text)
        {
            if (text == null) return null;
            if (text.Length >= 19 && text[4] == '-' && text[7] == '-' && (text[10] == 'T' || text[10] == ' ') && text[13] == ':' && text[16] == ':'
                && Digits(text, 0, 4, out var year) && Digits(text, 5, 2, out var month) && Digits(text, 8, 2, out var day)
                && Digits(text, 11, 2, out var hour) && Digits(text, 14, 2, out var minute) && Digits(text, 17, 2, out var second)
                && month >= 1 && month <= 12 && day >= 1 && day <= DateTime.DaysInMonth(Math.Max(1, year), month) && hour < 24 && minute < 60 && second < 60)
            {
                long ticks = 0;
                if (text.Length == 19) return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
                if (text[19] == '.' && text.Length > 20 && text.Length <= 26 && Digits(text, 20, text.Length - 20, out var fraction))
                {
                    ticks = fraction;
                    for (var i = text.Length - 20; i < 7; i++) ticks *= 10;
                    return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks);
                }
            }
            return NovaJson.Timestamp(text);
        }

        private static bool Digits(string text, int start, int count, out int value)
        {
            value = 0;
            for (var i = start; i < start + count; i++)
            {
                var c = text[i];
                if (c < '0' || c > '9') return false;
                value = value * 10 + (c - '0');
            }
            return true;
        }
    }
}
