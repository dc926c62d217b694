using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace ComputeServices.Nova
{
    /// <summary>Reads Nova's JSON tolerantly: missing keys (2.69 down-cell records) become nulls, never failures.</summary>
    internal static class NovaJson
    {
        private static readonly string[] TimestampFormats =
        {
            "yyyy-MM-dd'T'HH:mm:ss.FFFFFF", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd' 'HH:mm:ss.FFFFFF", "yyyy-MM-dd' 'HH:mm:ss",
        };

        public static IReadOnlyList<ComputeService> Services(JsonElement root, string source)
        {
            var list = new List<ComputeService>();
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("services", out var services) && services.ValueKind == JsonValueKind.Array)
                foreach (var s in services.EnumerateArray())
                    if (s.ValueKind == JsonValueKind.Object) list.Add(Service(s, source));
            return list;
        }

        /// <summary>Reads <c>{"service": {...}}</c> or a bare service object.</summary>
        public static ComputeService ServiceEnvelope(JsonElement root, string source)
            => Service(root.ValueKind == JsonValueKind.Object && root.TryGetProperty("service", out var s) ? s : root, source);

        public static ComputeService Service(JsonElement s, string source)
            => new ComputeService(
                Id(s, "id"),
                String(s, "binary") ?? "",
                String(s, "host") ?? "",
                String(s, "zone"),
                String(s, "status") ?? ServiceStatus.Unknown,
                String(s, "state"),
                Bool(s, "forced_down"),
                String(s, "disabled_reason"),
                Timestamp(String(s, "updated_at")),
                source);

        public static string? String(JsonElement e, string name)
            => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        /// <summary>An id that is an integer (below 2.53) or a string (uuid), as a string.</summary>
        public static string? Id(JsonElement e, string name)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v)) return null;
            return v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : v.GetRawText(),
                _ => null,
            };
        }

        public static bool? Bool(JsonElement e, string name)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v)) return null;
            return v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.String => bool.TryParse(v.GetString(), out var b) ? b : (bool?)null,
                _ => null,
            };
        }

        /// <summary>Nova writes UTC without a suffix (<c>2012-10-29T13:42:02.000000</c>); a Z or offset is honoured too.</summary>
        public static DateTime? Timestamp(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var t = text!.Trim();
            if (DateTime.TryParseExact(t, TimestampFormats, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var exact))
                return DateTime.SpecifyKind(exact, DateTimeKind.Utc);
            if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var any))
                return any.UtcDateTime;
            return null;
        }

        /// <summary>The <c>marker</c> (and other query) of a <c>*_links</c> rel=next link, relative to our own path.</summary>
        public static string? NextQuery(JsonElement root, string linksProperty)
        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(linksProperty, out var links) || links.ValueKind != JsonValueKind.Array)
                return null;
            foreach (var link in links.EnumerateArray())
            {
                if (String(link, "rel") != "next") continue;
                var href = String(link, "href");
                if (href == null) continue;
                var q = href.IndexOf('?');
                return q < 0 ? null : href.Substring(q + 1);
            }
            return null;
        }

        public static IEnumerable<JsonElement> Array(JsonElement root, string property)
            => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(property, out var a) && a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).ToList()
                : Enumerable.Empty<JsonElement>();

        /// <summary>Nova's <c>uuidutils.is_uuid_like</c>: a UUID, with or without hyphens.</summary>
        public static bool IsUuidLike(string? value)
        {
            if (string.IsNullOrEmpty(value)) return false;
            if (!Guid.TryParse(value, out var g)) return false;
            return string.Equals(g.ToString("N"), value!.Replace("-", "").ToLowerInvariant(), StringComparison.Ordinal);
        }

        public static bool IsInteger(string? value)
            => !string.IsNullOrEmpty(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
    }
}
