using System;
using System.Text;
using System.Text.RegularExpressions;

namespace ComputeServices.Rules
{
    /// <summary>
    /// How a name or id given by the user matches a service, the same for Get-ComputeService and every cmdlet that acts:
    /// a literal host name matches exactly and case-sensitively, as Nova does; a wildcard pattern (<c>*</c>, <c>?</c>,
    /// <c>[a-z]</c>, as in PowerShell) matches case-insensitively, on the client; ids (uuids and legacy integers) compare
    /// exactly, as Nova's database does.
    /// </summary>
    public static class ServiceIdentity
    {
        // Patterns are few and reused across thousands of services: each is turned into a regex once.
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> Patterns =
            new System.Collections.Concurrent.ConcurrentDictionary<string, Regex>(StringComparer.Ordinal);

        public static bool IsPattern(string? value)
        {
            if (value == null) return false;
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] == '`') { i++; continue; }
                if (value[i] == '*' || value[i] == '?' || value[i] == '[') return true;
            }
            return false;
        }

        /// <summary>A literal matches exactly (ordinal); a pattern matches case-insensitively.</summary>
        public static bool Matches(string nameOrPattern, string? value)
        {
            if (value == null) return false;
            if (!IsPattern(nameOrPattern)) return string.Equals(Unescape(nameOrPattern), value, StringComparison.Ordinal);
            return Patterns.GetOrAdd(nameOrPattern, ToRegex).IsMatch(value);
        }

        /// <summary>The literal a name stands for (backtick escapes removed), for server-side filters.</summary>
        public static string Unescape(string value)
        {
            if (value.IndexOf('`') < 0) return value;
            var sb = new StringBuilder(value.Length);
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] == '`' && i + 1 < value.Length) i++;
                sb.Append(value[i]);
            }
            return sb.ToString();
        }

        /// <summary>
        /// Ids compare as strings, as Nova's database compares a service uuid: a uuid in upper case, in braces or without
        /// hyphens names no service there (404), so it names none here either.
        /// </summary>
        public static bool SameId(string? wanted, string? actual)
        {
            if (wanted == null || actual == null) return false;
            return string.Equals(wanted.Trim(), actual.Trim(), StringComparison.Ordinal);
        }

        /// <summary>
        /// Whether a reference names this service: by id (as <see cref="SameId"/>), else by exact host and binary.
        /// The one definition of "the same service" that listings, waits, ownership checks and resolves all use.
        /// </summary>
        public static bool Names(ServiceRef reference, ComputeService service)
            => reference.IsById
                ? SameId(reference.Id, service.Id)
                : string.Equals(reference.Host, service.Host, StringComparison.Ordinal)
                  && string.Equals(reference.Binary, service.Binary, StringComparison.Ordinal);

        /// <summary>Whether two listed services are the same one: by id when both have one, else by host and binary (a down-cell record has no id).</summary>
        public static bool Same(ComputeService a, ComputeService b)
            => !string.IsNullOrEmpty(a.Id) && !string.IsNullOrEmpty(b.Id)
                ? SameId(a.Id, b.Id)
                : string.Equals(a.Host, b.Host, StringComparison.Ordinal) && string.Equals(a.Binary, b.Binary, StringComparison.Ordinal);

        /// <summary>How a service is found again later: by its id, or by host and binary when it has none.</summary>
        public static ServiceRef RefOf(ComputeService service)
            => string.IsNullOrEmpty(service.Id) ? ServiceRef.ByHost(service.Host, service.Binary) : ServiceRef.ById(service.Id!);

        /// <summary>The first service of a listing that the reference names, or null.</summary>
        public static ComputeService? Find(System.Collections.Generic.IEnumerable<ComputeService> listing, ServiceRef reference)
        {
            foreach (var service in listing)
                if (Names(reference, service)) return service;
            return null;
        }

        /// <summary>The listed record of a service (by id, else host and binary), or null.</summary>
        public static ComputeService? Find(System.Collections.Generic.IEnumerable<ComputeService> listing, ComputeService service)
        {
            foreach (var listed in listing)
                if (Same(service, listed)) return listed;
            return null;
        }

        /// <summary>A usable id, or null for a blank or whitespace value (a blank CSV cell names nothing).</summary>
        public static string? NormalizeId(string? id) => string.IsNullOrWhiteSpace(id) ? null : id!.Trim();

        private static Regex ToRegex(string pattern)
        {
            var sb = new StringBuilder("^");
            for (var i = 0; i < pattern.Length; i++)
            {
                var c = pattern[i];
                switch (c)
                {
                    case '`' when i + 1 < pattern.Length:
                        sb.Append(Regex.Escape(pattern[++i].ToString()));
                        break;
                    case '*':
                        sb.Append(".*");
                        break;
                    case '?':
                        sb.Append('.');
                        break;
                    case '[':
                        var end = pattern.IndexOf(']', i + 1);
                        if (end < 0)
                        {
                            sb.Append(@"\[");
                            break;
                        }
                        var set = pattern.Substring(i + 1, end - i - 1).Replace(@"\", @"\\").Replace("^", @"\^");
                        sb.Append('[').Append(set).Append(']');
                        i = end;
                        break;
                    default:
                        sb.Append(Regex.Escape(c.ToString()));
                        break;
                }
            }
            return new Regex(sb.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }
    }
}
