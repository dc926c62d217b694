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
        public static string Json(string? body)
        {
            if (string.IsNullOrEmpty(body)) return body ?? "";
            try
            {
                using var doc = JsonDocument.Parse(body!);
                using var stream = new MemoryStream();
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    Write(writer, doc.RootElement, parentKey: null);
                }
                return Encoding.UTF8.GetString(stream.ToArray());
            }
            catch (JsonException)
            {
                return JsonSecretPair.Replace(body!, m => m.Groups[1].Value + "\"" + Mask + "\"");
            }
        }

        /// <summary>Replaces every literal occurrence of the given secret values.</summary>
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
            return result;
        }

        private static void Write(Utf8JsonWriter writer, JsonElement element, string? parentKey)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (var property in element.EnumerateObject())
                    {
                        writer.WritePropertyName(property.Name);
                        var secret = IsSecretKey(property.Name)
                            || (parentKey != null && string.Equals(parentKey, "token", StringComparison.OrdinalIgnoreCase)
                                && string.Equals(property.Name, "id", StringComparison.OrdinalIgnoreCase));
                        if (secret && property.Value.ValueKind != JsonValueKind.Object && property.Value.ValueKind != JsonValueKind.Array)
                            writer.WriteStringValue(Mask);
                        else
                            Write(writer, property.Value, property.Name);
                    }
                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in element.EnumerateArray()) Write(writer, item, parentKey);
                    writer.WriteEndArray();
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }
    }
}
