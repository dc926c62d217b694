using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ComputeServices.Nova;

namespace ComputeServices.Config
{
    /// <summary>
    /// One cloud's config (a clouds.yaml entry, or the OS_* variables with the prefix stripped) to connection settings.
    /// Applies openstacksdk's backward aliases (tenant_* → project_*, auth_token → token, hyphens → underscores) and
    /// lets values outside <c>auth:</c> win over values inside it.
    /// </summary>
    internal static class CloudSettingsMapper
    {
        private static readonly Dictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["tenant_name"] = "project_name",
            ["tenant_id"] = "project_id",
            ["auth_token"] = "token",
            ["endpoint_type"] = "interface",
        };

        public static NovaConnectionSettings ToSettings(Dictionary<string, object?> cloud, string cloudName, CloudConfigEnvironment env, bool fromEnvironment = false)
        {
            var top = Flatten(cloud);
            var auth = cloud.TryGetValue("auth", out var a) && a is Dictionary<string, object?> authMap ? Flatten(authMap) : new Dictionary<string, string>();

            string? Get(string key) => top.TryGetValue(key, out var v) ? v : auth.TryGetValue(key, out var w) ? w : null;

            var s = new NovaConnectionSettings
            {
                CloudName = cloudName,
                AuthType = Get("auth_type"),
                AuthUrl = Get("auth_url"),
                Username = Get("username"),
                UserId = Get("user_id"),
                Password = Get("password"),
                ProjectName = Get("project_name"),
                ProjectId = Get("project_id"),
                UserDomainName = Get("user_domain_name"),
                UserDomainId = Get("user_domain_id"),
                ProjectDomainName = Get("project_domain_name"),
                ProjectDomainId = Get("project_domain_id"),
                DomainName = Get("domain_name"),
                DomainId = Get("domain_id"),
                SystemScope = Get("system_scope"),
                ApplicationCredentialId = Get("application_credential_id"),
                ApplicationCredentialName = Get("application_credential_name"),
                ApplicationCredentialSecret = Get("application_credential_secret"),
                Token = Get("token"),
                RegionName = Get("region_name") ?? FirstRegion(cloud),
                Interface = Get("compute_interface") ?? Get("interface") ?? NovaConnectionSettings.DefaultInterface,
                ComputeApiVersion = Get("compute_api_version"),
                CaCertFile = Get("cacert"),
            };

            // osc-lib: OS_DEFAULT_DOMAIN fills the user and project domain ids when no domain is given.
            var defaultDomain = Get("default_domain");
            if (defaultDomain != null)
            {
                if (s.UserDomainId == null && s.UserDomainName == null) s.UserDomainId = defaultDomain;
                if (s.ProjectDomainId == null && s.ProjectDomainName == null) s.ProjectDomainId = defaultDomain;
            }

            var endpoint = Get("compute_endpoint_override") ?? Get("endpoint");
            if (endpoint != null)
            {
                if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
                    throw Invalid(cloudName, $"the compute endpoint '{endpoint}' is not an absolute URL");
                s.Endpoint = uri;
            }

            // TLS (cloud_region.get_requests_verify_args): insecure wins; verify false disables; a non-boolean verify is a CA path.
            var insecure = Get("insecure");
            var verify = Get("verify");
            if (insecure != null && ParseBool(insecure) == true) s.Insecure = true;
            if (verify != null)
            {
                var parsed = ParseBool(verify);
                if (parsed == false) s.Insecure = true;
                else if (parsed == null && s.CaCertFile == null) s.CaCertFile = verify;
            }

            var timeout = Get("api_timeout");
            if (timeout != null)
            {
                if (!double.TryParse(timeout, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
                    throw Invalid(cloudName, $"api_timeout '{timeout}' is not a positive number of seconds");
                s.TimeoutSec = (int)Math.Ceiling(seconds);
            }

            s.ComputeApiVersion = NormalizeVersion(s.ComputeApiVersion);
            ChooseCredential(s, cloudName, fromEnvironment);
            return s;
        }

        /// <summary>
        /// A password and an application credential both given: openstacksdk takes auth_type when it is set, and
        /// otherwise its default auth_type, password (openstack/config/defaults.json), so the application credential
        /// is ignored. The same choice here, said in a warning that names what was used and what was ignored.
        /// </summary>
        private static void ChooseCredential(NovaConnectionSettings s, string cloudName, bool fromEnvironment)
        {
            var hasPassword = !string.IsNullOrEmpty(s.Password);
            var hasAppCred = !string.IsNullOrEmpty(s.ApplicationCredentialId) || !string.IsNullOrEmpty(s.ApplicationCredentialName)
                             || !string.IsNullOrEmpty(s.ApplicationCredentialSecret);
            if (!hasPassword || !hasAppCred) return;
            var explicitType = !string.IsNullOrWhiteSpace(s.AuthType);
            if (!explicitType) s.AuthType = "password";
            var type = s.EffectiveAuthType;
            var usesAppCred = type == "v3applicationcredential";
            if (!usesAppCred && type != "password" && type != "v3password") return;

            string Name(string key) => fromEnvironment ? "OS_" + key.ToUpperInvariant() : key;
            var appCredKeys = new List<string>();
            if (!string.IsNullOrEmpty(s.ApplicationCredentialId)) appCredKeys.Add(Name("application_credential_id"));
            if (!string.IsNullOrEmpty(s.ApplicationCredentialName)) appCredKeys.Add(Name("application_credential_name"));
            if (!string.IsNullOrEmpty(s.ApplicationCredentialSecret)) appCredKeys.Add(Name("application_credential_secret"));
            var password = $"a password ({Name("password")})";
            var appCred = $"an application credential ({string.Join(", ", appCredKeys)})";
            var where = fromEnvironment ? "are set" : $"are given for cloud '{cloudName}'";
            var user = s.Username ?? s.UserId;
            var credential = s.ApplicationCredentialId ?? s.ApplicationCredentialName;
            var used = usesAppCred ? $"the application credential {credential}" : $"the password of user {user}";
            var ignored = usesAppCred ? "the password is ignored" : "the application credential is ignored";
            var why = explicitType ? $"{Name("auth_type")} is {type}" : $"{Name("auth_type")} is not set, and openstacksdk then uses the password";
            var fix = usesAppCred
                ? $"Remove {Name("password")} if it is not meant."
                : $"Set {Name("auth_type")} to v3applicationcredential to use the application credential, or remove what is not meant.";
            s.AuthChoiceWarning = $"Both {password} and {appCred} {where}; {why}: connecting with {used}, {ignored}. {fix}";
        }

        // compute_api_version '2' (a major version only) means "negotiate", as in openstacksdk.
        private static string? NormalizeVersion(string? value)
            => value == null || value.Trim() == "2" ? null : value.Trim();

        private static string? FirstRegion(Dictionary<string, object?> cloud)
        {
            if (!cloud.TryGetValue("regions", out var regions) || !(regions is List<object?> list) || list.Count == 0) return null;
            return list[0] switch
            {
                string name => name,
                Dictionary<string, object?> map when map.TryGetValue("name", out var n) => n as string,
                _ => null,
            };
        }

        /// <summary>Scalar keys with hyphens turned into underscores and aliases applied.</summary>
        private static Dictionary<string, string> Flatten(Dictionary<string, object?> map)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in map)
            {
                if (pair.Value is Dictionary<string, object?> || pair.Value is List<object?> || pair.Value == null) continue;
                var key = pair.Key.Replace('-', '_').ToLowerInvariant();
                if (Aliases.TryGetValue(key, out var canonical))
                {
                    if (result.ContainsKey(canonical)) continue;
                    key = canonical;
                }
                var text = Convert.ToString(pair.Value, CultureInfo.InvariantCulture);
                if (!string.IsNullOrEmpty(text)) result[key] = text!;
            }
            return result;
        }

        internal static bool? ParseBool(string value)
        {
            switch (value.Trim().ToLowerInvariant())
            {
                case "true": case "yes": case "on": case "1": return true;
                case "false": case "no": case "off": case "0": return false;
                default: return null;
            }
        }

        private static ComputeServiceException Invalid(string cloud, string what)
            => new ComputeServiceException(ErrorIds.CloudConfigInvalid, FailureKind.InvalidData, $"Cloud '{cloud}': {what}.")
            { Target = cloud };
    }
}
