using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;

namespace ComputeServices.Tests.Faults
{
    /// <summary>
    /// Keystone and Nova on one loopback server: tokens with a catalog pointing back here, the version document,
    /// os-services backed by a small table. A test puts its fault in <see cref="Fault"/>: it sees every request
    /// first and returns true when it handled (or dropped) it.
    /// </summary>
    public sealed class WireNova : IDisposable
    {
        private int _tokens;

        public WireNova(string maxVersion = "2.93")
        {
            MaxVersion = maxVersion;
            Server = new LoopbackServer(HandleAsync);
            Services["3f1ee6a4-1d2c-4f4c-9b67-2a4c57a0c101"] = ("compute-1", "nova-compute", 1);
            Services["3f1ee6a4-1d2c-4f4c-9b67-2a4c57a0c102"] = ("compute-2", "nova-compute", 2);
        }

        public LoopbackServer Server { get; }
        public string MaxVersion { get; set; }
        public string ComputeUrl => Server.BaseUrl + "/v2.1";
        public string AuthUrl => Server.BaseUrl + "/v3";
        public ConcurrentDictionary<string, (string Host, string Binary, int Number)> Services { get; } = new();
        public Func<WireRequest, WireExchange, Task<bool>>? Fault { get; set; }
        /// <summary>Token lifetime in seconds, measured by this server's (skewed) clock.</summary>
        public double TokenLifetimeSeconds { get; set; } = 3600;
        /// <summary>How far this server's clock is ahead of the client's.</summary>
        public TimeSpan ClockSkew { get; set; } = TimeSpan.Zero;
        /// <summary>The token Keystone issues next: tok-1, tok-2, ... unless set.</summary>
        public Func<int, string> TokenValue { get; set; } = n => "tok-" + n.ToString(CultureInfo.InvariantCulture);
        public int TokensIssued => Volatile.Read(ref _tokens);
        /// <summary>The compute URL the catalog names (default: this server's /v2.1).</summary>
        public string? CatalogComputeUrl { get; set; }
        /// <summary>Whether the token answer carries issued_at (an old or odd Keystone may leave it out).</summary>
        public bool SendIssuedAt { get; set; } = true;

        public int Count(string method, string pathPrefix) => Server.Count(method, pathPrefix);

        public NovaConnection ConnectStatic(IOperationLog? log = null, Action<NovaConnectionSettings>? configure = null)
        {
            var settings = new NovaConnectionSettings
            {
                Endpoint = new Uri(ComputeUrl), Token = "static-admin-token", AuthType = "admin_token",
                MaximumRetryCount = 2, RetryIntervalSec = 0.01, TimeoutSec = 20,
            };
            configure?.Invoke(settings);
            return NovaConnection.Create(settings, log);
        }

        public NovaConnection ConnectKeystone(string password = "s3cret-Pa55", IOperationLog? log = null, Action<NovaConnectionSettings>? configure = null)
        {
            var settings = new NovaConnectionSettings
            {
                AuthUrl = AuthUrl, Username = "admin", Password = password, ProjectName = "admin",
                UserDomainName = "Default", ProjectDomainName = "Default", RegionName = "RegionOne",
                MaximumRetryCount = 2, RetryIntervalSec = 0.01, TimeoutSec = 20,
            };
            configure?.Invoke(settings);
            return NovaConnection.Create(settings, log);
        }

        public static string NovaFault(int code, string name, string message)
            => "{\"" + name + "\": {\"code\": " + code.ToString(CultureInfo.InvariantCulture) + ", \"message\": " + System.Text.Json.JsonSerializer.Serialize(message) + "}}";

        private async Task HandleAsync(WireRequest request, WireExchange exchange)
        {
            var fault = Fault;
            if (fault != null && await fault(request, exchange).ConfigureAwait(false)) return;
            var asked = request.Header("OpenStack-API-Version");
            var version = asked == null ? ("OpenStack-API-Version", "compute 2.1") : ("OpenStack-API-Version", asked);
            var path = request.Path;
            if (request.Method == "POST" && path == "/v3/auth/tokens")
            {
                var n = Interlocked.Increment(ref _tokens);
                var issued = DateTime.UtcNow + ClockSkew;
                var expires = issued.AddSeconds(TokenLifetimeSeconds);
                var body = "{\"token\": {" + (SendIssuedAt ? "\"issued_at\": \"" + Stamp(issued) + "\", " : "") + "\"expires_at\": \"" + Stamp(expires) + "\", " +
                           "\"user\": {\"name\": \"admin\"}, \"project\": {\"name\": \"admin\"}, \"catalog\": [{\"type\": \"compute\", \"endpoints\": [" +
                           "{\"interface\": \"public\", \"region_id\": \"RegionOne\", \"url\": \"" + (CatalogComputeUrl ?? ComputeUrl) + "\"}]}]}}";
                await exchange.RespondAsync(201, body, "application/json", ("X-Subject-Token", TokenValue(n))).ConfigureAwait(false);
                return;
            }
            if (request.Method == "GET" && path == "/v2.1/")
            {
                await exchange.RespondAsync(200, "{\"version\": {\"id\": \"v2.1\", \"status\": \"CURRENT\", \"version\": \"" + MaxVersion + "\", \"min_version\": \"2.1\"}}")
                    .ConfigureAwait(false);
                return;
            }
            if (request.Method == "GET" && path == "/v2.1/os-services")
            {
                var query = request.Target.Contains('?') ? request.Target.Substring(request.Target.IndexOf('?') + 1) : "";
                var items = Services.Where(s => Matches(query, s.Value.Host, s.Value.Binary))
                    .Select(s => "{\"id\": " + System.Text.Json.JsonSerializer.Serialize(s.Key) + ", \"binary\": \"" + s.Value.Binary + "\", \"host\": \"" + s.Value.Host + "\", " +
                                 "\"zone\": \"nova\", \"status\": \"enabled\", \"state\": \"up\", \"forced_down\": false, \"disabled_reason\": null, " +
                                 "\"updated_at\": \"2026-11-26T05:00:00.000000\"}");
                await exchange.RespondAsync(200, "{\"services\": [" + string.Join(", ", items) + "]}", "application/json", version).ConfigureAwait(false);
                return;
            }
            if (request.Method == "DELETE" && path.StartsWith("/v2.1/os-services/", StringComparison.Ordinal))
            {
                var id = path.Substring("/v2.1/os-services/".Length);
                if (Services.TryRemove(id, out _)) await exchange.RespondAsync(204, "", "application/json", version).ConfigureAwait(false);
                else await exchange.RespondAsync(404, NovaFault(404, "itemNotFound", $"Service {id} could not be found."), "application/json", version).ConfigureAwait(false);
                return;
            }
            await exchange.RespondAsync(404, "<html><body><h1>404 Not Found</h1></body></html>", "text/html").ConfigureAwait(false);
        }

        private static bool Matches(string query, string host, string binary)
        {
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                var value = Uri.UnescapeDataString(kv.Length > 1 ? kv[1] : "");
                if (kv[0] == "host" && value != host) return false;
                if (kv[0] == "binary" && value != binary) return false;
            }
            return true;
        }

        private static string Stamp(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

        public void Dispose() => Server.Dispose();
    }
}
