using System;
using System.Net.Http;
using System.Text;
using System.Text.Json;

namespace ComputeServices.Nova
{
    /// <summary>
    /// The member every successful Nova answer the module reads always carries (<c>services</c> of a listing,
    /// <c>service</c> of an update...). An answer without it is not Nova's: it must never be read as an empty listing.
    /// </summary>
    internal static class NovaAnswerShape
    {
        /// <summary>The member (and its JSON kind) a 2xx answer to this request must carry; null when none is read.</summary>
        public static (string Member, JsonValueKind Kind)? Expected(HttpMethod method, string relativePath)
        {
            var q = relativePath.IndexOf('?');
            var path = (q < 0 ? relativePath : relativePath.Substring(0, q)).Trim('/');
            if (method == HttpMethod.Get)
            {
                switch (path)
                {
                    case "os-services": return ("services", JsonValueKind.Array);
                    case "os-hypervisors":
                    case "os-hypervisors/detail": return ("hypervisors", JsonValueKind.Array);
                    case "os-migrations": return ("migrations", JsonValueKind.Array);
                    case "servers":
                    case "servers/detail": return ("servers", JsonValueKind.Array);
                    case "os-aggregates": return ("aggregates", JsonValueKind.Array);
                }
                return null;
            }
            if (method == HttpMethod.Put && path.StartsWith("os-services/", StringComparison.Ordinal)) return ("service", JsonValueKind.Object);
            return null;
        }

        /// <summary>
        /// False when the body is empty, or a JSON value without <paramref name="member"/> of that kind (<c>{}</c>, <c>{"services": null}</c>, <c>[]</c>).
        /// A body that is not JSON at all is left to the readers, which report it as such.
        /// </summary>
        public static bool Carries(byte[] utf8, string member, JsonValueKind kind)
        {
            var name = Encoding.UTF8.GetBytes(member);
            if (Array.TrueForAll(utf8, b => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n')) return false;
            try
            {
                var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
                if (!reader.Read()) return false;
                if (reader.TokenType != JsonTokenType.StartObject) return false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var match = reader.ValueTextEquals(name);
                    reader.Read();
                    if (match)
                        return kind == JsonValueKind.Array ? reader.TokenType == JsonTokenType.StartArray : reader.TokenType == JsonTokenType.StartObject;
                    reader.Skip();
                }
                return false;
            }
            catch (JsonException)
            {
                return true;
            }
        }

        public static ComputeServiceException Missing(string method, Uri url, string member, NovaResponse response)
        {
            var shown = Redactor.Url(url);
            return new ComputeServiceException(ErrorIds.InvalidResponse, FailureKind.InvalidData,
                $"{method} {shown} answered HTTP {response.StatusCode}" + (response.RequestId == null ? "" : $" (request {response.RequestId})") +
                $" without the '{member}' member Nova always sends; the answer is not read as empty. A proxy, a gateway or another service may have answered.")
            {
                StatusCode = response.StatusCode,
                RequestId = response.RequestId,
                Target = Redactor.Where(url),
                RecommendedAction = "Check that the compute endpoint is Nova's /v2.1 (not a proxy page, a cache or another service), then run the command again.",
            };
        }
    }
}
