using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace ComputeServices.Nova
{
    /// <summary>A Keystone v3 token with its catalog, from <c>POST /v3/auth/tokens</c>.</summary>
    internal sealed class KeystoneToken
    {
        public KeystoneToken(string value, DateTime? expiresAt, string? userName, string? projectName, IReadOnlyList<CatalogEndpoint> catalog,
            DateTime? issuedAt = null)
        {
            Value = value;
            ExpiresAt = expiresAt;
            IssuedAt = issuedAt;
            UserName = userName;
            ProjectName = projectName;
            Catalog = catalog;
        }

        public string Value { get; }
        public DateTime? ExpiresAt { get; }
        /// <summary>Keystone's <c>issued_at</c>, by Keystone's clock (with <see cref="ExpiresAt"/> it gives the lifetime).</summary>
        public DateTime? IssuedAt { get; }
        public string? UserName { get; }
        public string? ProjectName { get; }
        public IReadOnlyList<CatalogEndpoint> Catalog { get; }
    }

    internal sealed class CatalogEndpoint
    {
        public CatalogEndpoint(string type, string? @interface, string? region, string url)
        {
            Type = type;
            Interface = @interface;
            Region = region;
            Url = url;
        }

        public string Type { get; }
        public string? Interface { get; }
        public string? Region { get; }
        public string Url { get; }
        public override string ToString() => $"{Type} {Interface ?? "?"}/{Region ?? "?"} {Url}";
    }

    /// <summary>Builds Keystone v3 auth requests and reads their answers (the Identity v3 API: POST /v3/auth/tokens, the token in X-Subject-Token, the catalog in the body).</summary>
    internal static class KeystoneAuthenticator
    {
        /// <summary><c>{auth_url}/v3/auth/tokens</c>, whether or not the auth URL already ends in /v3.</summary>
        public static Uri TokensUrl(string authUrl)
        {
            var url = authUrl.Trim().TrimEnd('/');
            if (url.EndsWith("/v2.0", StringComparison.OrdinalIgnoreCase)) url = url.Substring(0, url.Length - 5) + "/v3";
            else if (!url.EndsWith("/v3", StringComparison.OrdinalIgnoreCase)) url += "/v3";
            NovaEndpoint.Checked(authUrl.Trim(), "auth URL");
            return new Uri(url + "/auth/tokens");
        }

        public static string BuildRequestBody(NovaConnectionSettings s)
        {
            var type = s.EffectiveAuthType;
            Dictionary<string, object> identity;
            var sendScope = true;
            switch (type)
            {
                case "password":
                case "v3password":
                    if (string.IsNullOrEmpty(s.Password))
                        throw Missing("No password entered, or found via -Credential, clouds.yaml (auth.password) or OS_PASSWORD.");
                    if (string.IsNullOrEmpty(s.Username) && string.IsNullOrEmpty(s.UserId))
                        throw Missing("Password authentication needs a user name or user id (auth.username / OS_USERNAME).");
                    var user = User(s);
                    user["password"] = s.Password!;
                    identity = new Dictionary<string, object> { ["methods"] = new[] { "password" }, ["password"] = new Dictionary<string, object> { ["user"] = user } };
                    break;
                case "v3applicationcredential":
                case "applicationcredential":
                    if (string.IsNullOrEmpty(s.ApplicationCredentialSecret))
                        throw Missing("Application credential authentication needs the secret (auth.application_credential_secret / OS_APPLICATION_CREDENTIAL_SECRET).");
                    var credential = new Dictionary<string, object> { ["secret"] = s.ApplicationCredentialSecret! };
                    if (!string.IsNullOrEmpty(s.ApplicationCredentialId)) credential["id"] = s.ApplicationCredentialId!;
                    else if (!string.IsNullOrEmpty(s.ApplicationCredentialName))
                    {
                        if (string.IsNullOrEmpty(s.Username) && string.IsNullOrEmpty(s.UserId))
                            throw Missing("An application credential given by name needs its user (auth.username or auth.user_id).");
                        credential["name"] = s.ApplicationCredentialName!;
                        credential["user"] = User(s);
                    }
                    else throw Missing("Application credential authentication needs application_credential_id (or _name with a user).");
                    identity = new Dictionary<string, object> { ["methods"] = new[] { "application_credential" }, ["application_credential"] = credential };
                    sendScope = false; // the token is scoped to the credential's project
                    break;
                case "token":
                case "v3token":
                    if (string.IsNullOrEmpty(s.Token)) throw Missing("Token authentication needs a token (auth.token / OS_TOKEN).");
                    identity = new Dictionary<string, object> { ["methods"] = new[] { "token" }, ["token"] = new Dictionary<string, object> { ["id"] = s.Token! } };
                    break;
                default:
                    throw new ComputeServiceException(ErrorIds.CloudConfigInvalid, FailureKind.NotSupported,
                        $"The auth type '{type}' is not supported. Use password, v3applicationcredential, token, or admin_token with an endpoint.")
                    { Target = type };
            }

            var auth = new Dictionary<string, object> { ["identity"] = identity };
            if (sendScope)
            {
                var scope = Scope(s);
                if (scope != null) auth["scope"] = scope;
            }
            return JsonSerializer.Serialize(new Dictionary<string, object> { ["auth"] = auth });
        }

        private static Dictionary<string, object> User(NovaConnectionSettings s)
        {
            if (!string.IsNullOrEmpty(s.UserId)) return new Dictionary<string, object> { ["id"] = s.UserId! };
            return new Dictionary<string, object> { ["name"] = s.Username!, ["domain"] = Domain(s.UserDomainId, s.UserDomainName) };
        }

        // osc-lib fills a missing domain with the default domain's *id* ("default").
        private static Dictionary<string, object> Domain(string? id, string? name)
            => !string.IsNullOrEmpty(id) ? new Dictionary<string, object> { ["id"] = id! }
             : !string.IsNullOrEmpty(name) ? new Dictionary<string, object> { ["name"] = name! }
             : new Dictionary<string, object> { ["id"] = "default" };

        private static Dictionary<string, object>? Scope(NovaConnectionSettings s)
        {
            if (!string.IsNullOrEmpty(s.ProjectId))
                return new Dictionary<string, object> { ["project"] = new Dictionary<string, object> { ["id"] = s.ProjectId! } };
            if (!string.IsNullOrEmpty(s.ProjectName))
                return new Dictionary<string, object>
                {
                    ["project"] = new Dictionary<string, object> { ["name"] = s.ProjectName!, ["domain"] = Domain(s.ProjectDomainId, s.ProjectDomainName) },
                };
            if (!string.IsNullOrEmpty(s.DomainId) || !string.IsNullOrEmpty(s.DomainName))
                return new Dictionary<string, object> { ["domain"] = Domain(s.DomainId, s.DomainName) };
            if (!string.IsNullOrEmpty(s.SystemScope))
                return new Dictionary<string, object> { ["system"] = new Dictionary<string, object> { [s.SystemScope!] = true } };
            return null;
        }

        public static KeystoneToken ParseResponse(string body, string? subjectToken)
        {
            if (string.IsNullOrEmpty(subjectToken))
                throw new ComputeServiceException(ErrorIds.AuthenticationFailed, FailureKind.Authentication,
                    "Keystone answered without an X-Subject-Token header; the auth URL may not be a Keystone v3 endpoint.");
            DateTime? expires = null, issued = null;
            string? userName = null, projectName = null;
            var catalog = new List<CatalogEndpoint>();
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.Object)
                {
                    expires = Time(token, "expires_at");
                    issued = Time(token, "issued_at");
                    userName = NameOf(token, "user");
                    projectName = NameOf(token, "project") ?? NameOf(token, "domain");
                    if (token.TryGetProperty("catalog", out var services) && services.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var service in services.EnumerateArray())
                        {
                            var type = Str(service, "type");
                            if (type == null || !service.TryGetProperty("endpoints", out var endpoints) || endpoints.ValueKind != JsonValueKind.Array) continue;
                            foreach (var endpoint in endpoints.EnumerateArray())
                            {
                                var url = Str(endpoint, "url");
                                if (url == null) continue;
                                catalog.Add(new CatalogEndpoint(type, Str(endpoint, "interface"), Str(endpoint, "region_id") ?? Str(endpoint, "region"), url));
                            }
                        }
                    }
                }
            }
            catch (JsonException ex)
            {
                throw new ComputeServiceException(ErrorIds.AuthenticationFailed, FailureKind.InvalidData,
                    "Keystone's token response is not valid JSON: " + ex.Message, ex);
            }
            return new KeystoneToken(subjectToken!, expires, userName, projectName, catalog, issued);
        }

        private static DateTime? Time(JsonElement token, string name)
            => token.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String
               && DateTime.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
                ? DateTime.SpecifyKind(at, DateTimeKind.Utc)
                : (DateTime?)null;

        public static string NormalizeInterface(string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return NovaConnectionSettings.DefaultInterface;
            var v = value!.Trim().ToLowerInvariant();
            return v.EndsWith("url", StringComparison.Ordinal) ? v.Substring(0, v.Length - 3) : v;
        }

        /// <summary>keystoneauth's rule: type <c>compute</c> (never compute_legacy), then interface, then region if given.</summary>
        public static Uri SelectComputeEndpoint(IReadOnlyList<CatalogEndpoint> catalog, string? @interface, string? region)
        {
            var wanted = NormalizeInterface(@interface);
            var match = catalog.FirstOrDefault(e => e.Type == "compute"
                && string.Equals(NormalizeInterface(e.Interface), wanted, StringComparison.Ordinal)
                && (string.IsNullOrEmpty(region) || string.Equals(e.Region, region, StringComparison.Ordinal)));
            if (match != null) return NovaEndpoint.Checked(match.Url, $"catalog's compute endpoint ({match.Interface ?? "?"}/{match.Region ?? "?"})");

            var computes = catalog.Where(e => e.Type == "compute").Select(e => $"{e.Interface ?? "?"}/{e.Region ?? "?"} {e.Url}").ToList();
            var has = computes.Count == 0
                ? "The catalog has no compute endpoint at all (types: " + string.Join(", ", catalog.Select(e => e.Type).Distinct()) + ")."
                : "The catalog's compute endpoints are: " + string.Join("; ", computes) + ".";
            return Throw(new ComputeServiceException(ErrorIds.EndpointUnreachable, FailureKind.ConnectionError,
                $"No compute endpoint for interface '{wanted}'" + (string.IsNullOrEmpty(region) ? "" : $" in region '{region}'") + " in the service catalog. " + has)
            {
                RecommendedAction = "Choose an interface and region that the catalog has (clouds.yaml interface/region_name, OS_INTERFACE/OS_REGION_NAME), or set the compute endpoint explicitly.",
            });
        }

        private static Uri Throw(Exception ex) => throw ex;

        private static string? NameOf(JsonElement token, string property)
            => token.TryGetProperty(property, out var o) && o.ValueKind == JsonValueKind.Object ? Str(o, "name") : null;

        private static string? Str(JsonElement e, string name)
            => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static ComputeServiceException Missing(string message)
            => new ComputeServiceException(ErrorIds.AuthenticationFailed, FailureKind.Authentication, message)
            {
                RecommendedAction = "Complete the credentials in clouds.yaml / secure.yaml, the OS_* variables, or the Connect-ComputeService parameters.",
            };
    }
}
