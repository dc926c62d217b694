using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ComputeServices.Nova
{
    /// <summary>Removes secrets from headers, JSON bodies and free text before anything is logged or thrown.</summary>
    internal static class Redactor
    {
        public const string Mask = "***";

        private static readonly HashSet<string> SecretHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "X-Auth-Token", "X-Subject-Token", "X-Service-Token", "Authorization", "Proxy-Authorization",
        };

        private static readonly Regex JsonSecretPair = new Regex(
            "(\"[^\"]*(?:password|secret|token)[^\"]*\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public static bool IsSecretHeader(string name) => SecretHeaders.Contains(name);

        public static string HeaderValue(string name, string value) => IsSecretHeader(name) ? Mask : value;

        /// <summary>Key names whose string values are secret wherever they appear.</summary>
        public static bool IsSecretKey(string key)
        {
            var k = key.ToLowerInvariant();
            return k.Contains("password") || k.Contains("secret") || k == "token" || k.EndsWith("_token", StringComparison.Ordinal)
                || k == "x-auth-token" || k == "x-subject-token";
        }

        /// <summary>
        /// Masks every secret in a JSON text: values of password/secret/token keys, and the <c>id</c> of a
        /// <c>token</c> object (Keystone's token re-scope body). Text that is not JSON falls back to a pattern mask.
        /// </summary>
        public static string Json(string? body) => Json(body, null);

        /// <summary>
        /// As <see cref="Json(string)"/>, and <paramref name="scrub"/> runs on every decoded string value, so a secret that is
        /// escaped twice in the text (a repr inside a JSON message) is still found once the JSON is decoded.
        /// </summary>
        public static string Json(string? body, Func<string, string>? scrub)
        {
            if (string.IsNullOrEmpty(body)) return body ?? "";
            try
            {
                using var doc = JsonDocument.Parse(body!);
                using var stream = new MemoryStream();
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    Write(writer, doc.RootElement, parentKey: null, scrub);
                }
                return Encoding.UTF8.GetString(stream.ToArray());
            }
            catch (JsonException)
            {
                return JsonSecretPair.Replace(body!, m => m.Groups[1].Value + "\"" + Mask + "\"");
            }
        }

        /// <summary>Replaces every literal occurrence of the given secret values (pass them longest first, see <see cref="Forms"/>).</summary>
        public static string Scrub(string? text, IEnumerable<string> secrets)
        {
            if (string.IsNullOrEmpty(text)) return text ?? "";
            var result = text!;
            foreach (var secret in secrets)
            {
                // Very short values would mask innocent text; they are masked structurally instead.
                if (string.IsNullOrEmpty(secret) || secret.Length < 4) continue;
                result = result.Replace(secret, Mask);
            }
            // A password in a URL's user info is a secret even when this connection was never told it (a proxy from HTTPS_PROXY).
            return UrlPassword.Replace(result, m => m.Groups["head"].Value + Mask + "@");
        }

        private static readonly Regex UrlPassword = new Regex(
            @"(?<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s/?#@:'""]*:)[^\s/?#@'""]+@", RegexOptions.CultureInvariant);

        /// <summary>The proxy variables HttpClient reads for the system proxy (upper and lower case).</summary>
        private static readonly string[] ProxyVariables = { "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy" };

        /// <summary>The passwords in the proxy variables' user info (<c>http://user:pw@proxy:3128</c>, with or without the scheme).</summary>
        public static IEnumerable<string> ProxyVariableSecrets(Func<string, string?> variable)
        {
            foreach (var name in ProxyVariables)
            {
                var value = variable(name)?.Trim();
                if (string.IsNullOrEmpty(value)) continue;
                var url = value!.Contains("://") ? value : "http://" + value;
                foreach (var secret in UserInfoSecrets(url)) yield return secret;
            }
        }

        /// <summary>
        /// Every way a secret can come back in a body or a message: raw, JSON-escaped (strict and relaxed encoders,
        /// hand-written escapes in both hex cases), Python-repr-escaped (as Keystone and Nova log and echo it) and
        /// URL-encoded (both hex cases, '+' for space), longest first so a longer form is masked before a shorter one inside it.
        /// </summary>
        public static IEnumerable<string> Forms(IEnumerable<string> secrets)
        {
            var forms = new HashSet<string>(StringComparer.Ordinal);
            foreach (var secret in secrets)
            {
                if (string.IsNullOrEmpty(secret)) continue;
                forms.Add(secret);
                forms.Add(JsonInner(JsonSerializer.Serialize(secret)));
                forms.Add(JsonInner(JsonSerializer.Serialize(secret, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })));
                forms.Add(Escaped(secret, python: false, upperHex: false, asciiOnly: false));
                forms.Add(Escaped(secret, python: false, upperHex: true, asciiOnly: true));
                forms.Add(Escaped(secret, python: false, upperHex: false, asciiOnly: true));
                forms.Add(Escaped(secret, python: true, upperHex: false, asciiOnly: false));
                forms.Add(Escaped(secret, python: true, upperHex: false, asciiOnly: true));
                // repr() quotes with " when the value holds a ' (and then leaves the ' alone).
                forms.Add(Escaped(secret, python: true, upperHex: false, asciiOnly: false).Replace("\\'", "'"));
                forms.Add(Escaped(secret, python: true, upperHex: false, asciiOnly: true).Replace("\\'", "'"));
                var url = Uri.EscapeDataString(secret);
                forms.Add(url);
                forms.Add(LowerHex(url));
                forms.Add(url.Replace("%20", "+"));
                forms.Add(System.Net.WebUtility.UrlEncode(secret));
                forms.Add(LowerHex(System.Net.WebUtility.UrlEncode(secret)));
            }
            forms.RemoveWhere(f => f.Length < 4);
            var ordered = new List<string>(forms);
            ordered.Sort((a, b) => b.Length.CompareTo(a.Length));
            return ordered;
        }

        private static string JsonInner(string quoted) => quoted.Substring(1, quoted.Length - 2);

        private static string LowerHex(string encoded)
            => Regex.Replace(encoded, "%[0-9A-F]{2}", m => m.Value.ToLowerInvariant(), RegexOptions.CultureInvariant);

        /// <summary>JSON-style (\", \\, \uXXXX) or Python-repr-style (\', \\, \xNN, \uXXXX) escaping of a string's inside.</summary>
        private static string Escaped(string value, bool python, bool upperHex, bool asciiOnly)
        {
            var hex = upperHex ? "X" : "x";
            var b = new StringBuilder();
            foreach (var c in value)
            {
                switch (c)
                {
                    case '\\': b.Append("\\\\"); continue;
                    case '\n': b.Append("\\n"); continue;
                    case '\r': b.Append("\\r"); continue;
                    case '\t': b.Append("\\t"); continue;
                    case '"' when !python: b.Append("\\\""); continue;
                    case '\'' when python: b.Append("\\'"); continue;
                }
                if (c < 0x20 || c == 0x7f || (asciiOnly && c > 0x7e))
                {
                    if (python && c <= 0xff) b.Append("\\x").Append(((int)c).ToString(hex + "2", System.Globalization.CultureInfo.InvariantCulture));
                    else b.Append("\\u").Append(((int)c).ToString(hex + "4", System.Globalization.CultureInfo.InvariantCulture));
                }
                else b.Append(c);
            }
            return b.ToString();
        }

        /// <summary>A URL as it may be shown: without user info (<c>https://user:pw@host</c> → <c>https://host</c>).</summary>
        public static string Url(Uri? url)
        {
            if (url == null) return "";
            if (!url.IsAbsoluteUri || string.IsNullOrEmpty(url.UserInfo)) return url.ToString();
            return new UriBuilder(url) { UserName = "", Password = "" }.Uri.ToString();
        }

        /// <summary>Scheme, host, port and path of a URL, without user info or query: what error targets name.</summary>
        public static string Where(Uri url)
        {
            if (!url.IsAbsoluteUri) return url.ToString();
            var clean = string.IsNullOrEmpty(url.UserInfo) ? url : new UriBuilder(url) { UserName = "", Password = "" }.Uri;
            return clean.GetLeftPart(UriPartial.Path);
        }

        /// <summary>A URL given as text, without user info; text that is not an absolute URL is returned unchanged.</summary>
        public static string? Url(string? url)
            => url != null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo) ? Url(uri) : url;

        /// <summary>The password of a URL's user info (<c>user:pw@</c>), unescaped; it is a secret like any other.</summary>
        public static IEnumerable<string> UserInfoSecrets(string? url)
        {
            if (url == null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.UserInfo)) yield break;
            var colon = uri.UserInfo.IndexOf(':');
            if (colon < 0) yield break;
            var raw = uri.UserInfo.Substring(colon + 1);
            yield return raw;
            yield return Uri.UnescapeDataString(raw);
        }

        private static void Write(Utf8JsonWriter writer, JsonElement element, string? parentKey, Func<string, string>? scrub)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (var property in element.EnumerateObject())
                    {
                        writer.WritePropertyName(scrub == null ? property.Name : scrub(property.Name));
                        var secret = IsSecretKey(property.Name)
                            || (parentKey != null && string.Equals(parentKey, "token", StringComparison.OrdinalIgnoreCase)
                                && string.Equals(property.Name, "id", StringComparison.OrdinalIgnoreCase));
                        if (secret && property.Value.ValueKind != JsonValueKind.Object && property.Value.ValueKind != JsonValueKind.Array)
                            writer.WriteStringValue(Mask);
                        else
                            Write(writer, property.Value, property.Name, scrub);
                    }
                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in element.EnumerateArray()) Write(writer, item, parentKey, scrub);
                    writer.WriteEndArray();
                    break;
                case JsonValueKind.String when scrub != null:
                    writer.WriteStringValue(scrub(element.GetString() ?? ""));
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }
    }
}
