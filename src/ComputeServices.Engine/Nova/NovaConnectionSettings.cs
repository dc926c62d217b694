using System;
using System.Collections.Generic;
using System.Net;

namespace ComputeServices.Nova
{
    /// <summary>
    /// Everything needed to reach one Nova: Keystone credentials (or a token and an endpoint), endpoint selection,
    /// microversion pin, TLS, proxy and retry settings. Secrets (<see cref="Password"/>,
    /// <see cref="ApplicationCredentialSecret"/>, <see cref="Token"/>) never appear in <see cref="ToString"/>.
    /// </summary>
    public sealed class NovaConnectionSettings
    {
        public const string DefaultInterface = "public";

        /// <summary>Keystone URL, with or without the <c>/v3</c> suffix.</summary>
        public string? AuthUrl { get; set; }
        /// <summary>password, v3password, v3applicationcredential, token, v3token, admin_token or none. Null: inferred.</summary>
        public string? AuthType { get; set; }
        public string? Username { get; set; }
        public string? UserId { get; set; }
        public string? Password { get; set; }
        public string? ProjectName { get; set; }
        public string? ProjectId { get; set; }
        public string? UserDomainName { get; set; }
        public string? UserDomainId { get; set; }
        public string? ProjectDomainName { get; set; }
        public string? ProjectDomainId { get; set; }
        /// <summary>Domain scope (used when no project is given).</summary>
        public string? DomainName { get; set; }
        public string? DomainId { get; set; }
        /// <summary>System scope, e.g. <c>all</c> (used when neither project nor domain is given).</summary>
        public string? SystemScope { get; set; }
        public string? ApplicationCredentialId { get; set; }
        public string? ApplicationCredentialName { get; set; }
        public string? ApplicationCredentialSecret { get; set; }
        /// <summary>An existing token. With <see cref="Endpoint"/> it is sent as is and Keystone is never called.</summary>
        public string? Token { get; set; }
        /// <summary>Compute endpoint override. With a token and no Keystone auth it is the whole connection (admin_token / noauth).</summary>
        public Uri? Endpoint { get; set; }
        public string? RegionName { get; set; }
        /// <summary>public (default), internal or admin.</summary>
        public string? Interface { get; set; } = DefaultInterface;
        /// <summary>A microversion pin (<c>2.53</c>), <c>2.latest</c>/<c>latest</c>, or null to negotiate.</summary>
        public string? ComputeApiVersion { get; set; }
        /// <summary>A PEM (or DER) bundle of the CAs that may sign the server certificates.</summary>
        public string? CaCertFile { get; set; }
        /// <summary>Skip TLS certificate verification.</summary>
        public bool Insecure { get; set; }
        /// <summary>Per-request timeout in seconds.</summary>
        public int TimeoutSec { get; set; } = 60;
        /// <summary>How often a GET or PUT is retried after a connection failure, 429, 502, 503 or 504.</summary>
        public int MaximumRetryCount { get; set; } = 3;
        /// <summary>First retry delay; it doubles on every retry unless the server sends Retry-After.</summary>
        public double RetryIntervalSec { get; set; } = 1;
        /// <summary>The largest response body read, in MB; a larger one fails with ResponseTooLarge instead of filling memory.</summary>
        public int MaximumResponseSizeMB { get; set; } = 64;
        /// <summary>An explicit proxy. Null uses the system proxy.</summary>
        public Uri? Proxy { get; set; }
        public NetworkCredential? ProxyCredential { get; set; }
        /// <summary>Set by the config loader when a password and an application credential were both given: which one is used, which ignored. Warned once per connection.</summary>
        public string? AuthChoiceWarning { get; set; }
        /// <summary>The clouds.yaml cloud name (or <c>envvars</c>), for display only.</summary>
        public string? CloudName { get; set; }
        /// <summary>Overrides the User-Agent (default <c>ComputeServices/&lt;version&gt;</c>).</summary>
        public string? UserAgent { get; set; }

        /// <summary>The auth type after applying osc-lib's inference rules to what is set.</summary>
        public string EffectiveAuthType
        {
            get
            {
                if (!string.IsNullOrWhiteSpace(AuthType)) return AuthType!.Trim().ToLowerInvariant();
                if (!string.IsNullOrEmpty(ApplicationCredentialId) || !string.IsNullOrEmpty(ApplicationCredentialName)) return "v3applicationcredential";
                if (!string.IsNullOrEmpty(Token) && string.IsNullOrEmpty(Username) && string.IsNullOrEmpty(UserId))
                    return Endpoint != null && string.IsNullOrEmpty(AuthUrl) ? "admin_token" : "token";
                return "password";
            }
        }

        /// <summary>True when the connection uses <see cref="Token"/> and <see cref="Endpoint"/> without Keystone.</summary>
        public bool UsesStaticToken
        {
            get
            {
                var type = EffectiveAuthType;
                if (type == "admin_token" || type == "none" || type == "noauth") return true;
                return Endpoint != null && !string.IsNullOrEmpty(Token) && string.IsNullOrEmpty(AuthUrl);
            }
        }

        public NovaConnectionSettings Clone()
        {
            var copy = (NovaConnectionSettings)MemberwiseClone();
            return copy;
        }

        /// <summary>The secret values set here, for scrubbing them out of anything written or thrown.</summary>
        internal IEnumerable<string> Secrets()
        {
            if (!string.IsNullOrEmpty(Password)) yield return Password!;
            if (!string.IsNullOrEmpty(ApplicationCredentialSecret)) yield return ApplicationCredentialSecret!;
            if (!string.IsNullOrEmpty(Token)) yield return Token!;
            if (!string.IsNullOrEmpty(ProxyCredential?.Password)) yield return ProxyCredential!.Password;
        }

        public override string ToString()
        {
            var parts = new List<string>();
            if (!string.IsNullOrEmpty(CloudName)) parts.Add("cloud=" + CloudName);
            parts.Add("auth_type=" + EffectiveAuthType);
            if (!string.IsNullOrEmpty(AuthUrl)) parts.Add("auth_url=" + AuthUrl);
            if (Endpoint != null) parts.Add("endpoint=" + Endpoint);
            if (!string.IsNullOrEmpty(Username ?? UserId)) parts.Add("user=" + (Username ?? UserId));
            if (!string.IsNullOrEmpty(ApplicationCredentialId ?? ApplicationCredentialName))
                parts.Add("application_credential=" + (ApplicationCredentialId ?? ApplicationCredentialName));
            if (!string.IsNullOrEmpty(ProjectName ?? ProjectId)) parts.Add("project=" + (ProjectName ?? ProjectId));
            if (!string.IsNullOrEmpty(RegionName)) parts.Add("region=" + RegionName);
            if (!string.IsNullOrEmpty(Interface)) parts.Add("interface=" + Interface);
            if (!string.IsNullOrEmpty(ComputeApiVersion)) parts.Add("compute_api_version=" + ComputeApiVersion);
            return string.Join(", ", parts);
        }
    }
}
