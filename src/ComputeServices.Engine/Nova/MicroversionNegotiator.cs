using System;
using System.Globalization;
using System.Text.Json;

namespace ComputeServices.Nova
{
    /// <summary>A compute microversion, <c>major.minor</c>, compared numerically (2.9 &lt; 2.11).</summary>
    public readonly struct Microversion : IComparable<Microversion>, IEquatable<Microversion>
    {
        public Microversion(int major, int minor)
        {
            Major = major;
            Minor = minor;
        }

        public int Major { get; }
        public int Minor { get; }

        public static bool TryParse(string? text, out Microversion version)
        {
            version = default;
            if (string.IsNullOrWhiteSpace(text)) return false;
            var parts = text!.Trim().Split('.');
            if (parts.Length != 2) return false;
            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)) return false;
            if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)) return false;
            version = new Microversion(major, minor);
            return true;
        }

        public static Microversion Parse(string text)
            => TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a microversion of the form major.minor.");

        public int CompareTo(Microversion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);
        public bool Equals(Microversion other) => Major == other.Major && Minor == other.Minor;
        public override bool Equals(object? obj) => obj is Microversion v && Equals(v);
        public override int GetHashCode() => Major * 1000 + Minor;
        public override string ToString() => Major.ToString(CultureInfo.InvariantCulture) + "." + Minor.ToString(CultureInfo.InvariantCulture);

        public static bool operator <(Microversion a, Microversion b) => a.CompareTo(b) < 0;
        public static bool operator >(Microversion a, Microversion b) => a.CompareTo(b) > 0;
        public static bool operator <=(Microversion a, Microversion b) => a.CompareTo(b) <= 0;
        public static bool operator >=(Microversion a, Microversion b) => a.CompareTo(b) >= 0;
        public static bool operator ==(Microversion a, Microversion b) => a.Equals(b);
        public static bool operator !=(Microversion a, Microversion b) => !a.Equals(b);
    }

    /// <summary>Compute version discovery and microversion choice, as openstacksdk and novaclient do it.</summary>
    internal static class MicroversionNegotiator
    {
        /// <summary>
        /// The highest microversion this client knows to be safe. Nothing in os-services changed after 2.75 (up to 2.104),
        /// and the other APIs read here (servers, os-migrations, os-aggregates, os-hypervisors) are parsed tolerantly;
        /// 2.96 is python-novaclient's own cap.
        /// </summary>
        public static readonly Microversion ClientMax = new Microversion(2, 96);
        public static readonly Microversion Baseline = new Microversion(2, 1);

        public static readonly Microversion UuidIds = new Microversion(2, 53);
        public static readonly Microversion ForcedDown = new Microversion(2, 11);

        /// <summary>Reads <c>{"version": {...}}</c> or picks the CURRENT v2.1 entry of <c>{"versions": [...]}</c>.</summary>
        public static bool TryParseVersionDocument(JsonElement root, out Microversion min, out Microversion max)
            => ReadVersionDocument(root, out min, out max) == null;

        /// <summary>As <see cref="TryParseVersionDocument"/>; returns null when read, else what is wrong (quoting the text as found).</summary>
        public static string? ReadVersionDocument(JsonElement root, out Microversion min, out Microversion max)
        {
            min = Baseline;
            max = Baseline;
            if (root.ValueKind != JsonValueKind.Object) return "it is not a JSON object";
            if (root.TryGetProperty("version", out var single) && single.ValueKind == JsonValueKind.Object)
                return ReadEntry(single, out min, out max);
            if (root.TryGetProperty("versions", out var many) && many.ValueKind == JsonValueKind.Array)
            {
                JsonElement? best = null;
                foreach (var entry in many.EnumerateArray())
                {
                    if (entry.ValueKind != JsonValueKind.Object) continue;
                    var version = entry.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                    if (string.IsNullOrEmpty(version)) continue; // legacy v2.0 without microversions
                    var status = entry.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                    if (best == null || string.Equals(status, "CURRENT", StringComparison.OrdinalIgnoreCase)) best = entry;
                }
                if (best != null) return ReadEntry(best.Value, out min, out max);
            }
            return "it has neither a 'version' object nor a 'versions' list";
        }

        private static string? ReadEntry(JsonElement entry, out Microversion min, out Microversion max)
        {
            min = Baseline;
            max = Baseline;
            var maxText = entry.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var minText = entry.TryGetProperty("min_version", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            // An empty version means a cloud without microversions: everything is 2.1.
            if (string.IsNullOrEmpty(maxText)) return null;
            if (!Microversion.TryParse(maxText, out var parsedMax))
                return $"its version '{maxText}' is not a microversion (major.minor)";
            var parsedMin = Baseline;
            if (!string.IsNullOrEmpty(minText) && !Microversion.TryParse(minText, out parsedMin))
                return $"its min_version '{minText}' is not a microversion (major.minor)";
            min = parsedMin;
            max = parsedMax;
            return null;
        }

        /// <summary>True when the pin asks for negotiation (null, empty, a bare major version, or 'latest').</summary>
        public static bool IsLatest(string? pin)
        {
            if (string.IsNullOrWhiteSpace(pin)) return true;
            var p = pin!.Trim();
            return p == "2" || string.Equals(p, "latest", StringComparison.OrdinalIgnoreCase)
                || string.Equals(p, "2.latest", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>Chooses the microversion: the pin if it is in range, else min(client max, server max).</summary>
        public static Microversion Negotiate(string? pin, Microversion serverMin, Microversion serverMax)
        {
            if (IsLatest(pin))
            {
                var chosen = serverMax < ClientMax ? serverMax : ClientMax;
                if (chosen < serverMin)
                    throw NotSupported(
                        $"The compute API supports microversions {serverMin} to {serverMax}, but this client supports at most {ClientMax}.",
                        $"Use a client that supports microversion {serverMin} or later.");
                return chosen;
            }
            if (!Microversion.TryParse(pin, out var pinned))
                throw new ComputeServiceException(ErrorIds.ApiVersionNotSupported, FailureKind.InvalidArgument,
                    $"The compute API version '{pin}' is of invalid format. Must be of format MajorNum.MinorNum (for example 2.53), or 'latest'.")
                { Target = pin, RecommendedAction = "Pass a microversion such as 2.53 or 2.latest, or leave it out to negotiate." };
            if (pinned < serverMin || pinned > serverMax)
                throw NotSupported(
                    $"A default microversion for service compute of {pinned} was requested, but the cloud only supports a minimum of {serverMin} and a maximum of {serverMax}.",
                    $"Pin a compute API version between {serverMin} and {serverMax}, or leave it out to negotiate.");
            return pinned;
        }

        private static ComputeServiceException NotSupported(string message, string action)
            => new ComputeServiceException(ErrorIds.ApiVersionNotSupported, FailureKind.NotSupported, message) { RecommendedAction = action };

        /// <summary>
        /// The versioned root of a catalog URL for discovery: <c>.../v2.1/&lt;project_id&gt;</c> becomes <c>.../v2.1/</c>.
        /// A URL without a version segment is returned as is.
        /// </summary>
        public static Uri VersionRoot(Uri endpoint)
        {
            var path = endpoint.AbsolutePath.TrimEnd('/');
            var segments = path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
            for (var i = segments.Length - 1; i >= 0; i--)
            {
                if (IsVersionSegment(segments[i]))
                {
                    var root = "/" + string.Join("/", segments, 0, i + 1) + "/";
                    return new UriBuilder(endpoint) { Path = root, Query = "" }.Uri;
                }
            }
            return new UriBuilder(endpoint) { Path = path + "/", Query = "" }.Uri;
        }

        private static bool IsVersionSegment(string segment)
            => segment.Length >= 2 && (segment[0] == 'v' || segment[0] == 'V') && char.IsDigit(segment[1]);
    }
}
