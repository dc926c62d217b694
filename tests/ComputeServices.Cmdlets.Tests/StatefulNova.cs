using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Tests.Faults;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>
    /// A small Nova on a real loopback socket that keeps state: GET os-services (host and binary filters), and
    /// PUT os-services/{uuid} at 2.53+ with Nova's refusal of non-compute updates. For the cloud side of batch tests.
    /// </summary>
    internal sealed class StatefulNova : IDisposable
    {
        public sealed class Record
        {
            public string Id = Guid.NewGuid().ToString();
            public string Host = "";
            public string Binary = "nova-compute";
            public bool Disabled;
            public string? Reason;
            public bool ForcedDown;
        }

        private readonly object _lock = new object();
        private int _puts;

        public StatefulNova()
        {
            Server = new LoopbackServer(HandleAsync);
        }

        public LoopbackServer Server { get; }
        public string ComputeUrl => Server.BaseUrl + "/v2.1";
        public List<Record> Records { get; } = new List<Record>();
        /// <summary>PUTs answered (applied or refused), in order of arrival.</summary>
        public ConcurrentQueue<string> PutHosts { get; } = new ConcurrentQueue<string>();
        public int Puts => Volatile.Read(ref _puts);
        /// <summary>Runs before a request is answered; return true when it answered itself.</summary>
        public Func<WireRequest, WireExchange, Task<bool>>? Fault { get; set; }
        /// <summary>Delay before answering each PUT (an interrupt can land while requests are on the wire).</summary>
        public TimeSpan PutDelay { get; set; } = TimeSpan.Zero;

        public StatefulNova With(string host, string binary = "nova-compute", bool disabled = false, string? reason = null)
        {
            lock (_lock) Records.Add(new Record { Host = host, Binary = binary, Disabled = disabled, Reason = reason });
            return this;
        }

        public Record Of(string host, string binary = "nova-compute")
        {
            lock (_lock) return Records.Single(r => r.Host == host && r.Binary == binary);
        }

        /// <summary>A script line that connects to this server with a static token, into $c.</summary>
        public string ConnectLine => "$c = Connect-ComputeService -Endpoint '" + ComputeUrl + "' -Token (ConvertTo-SecureString 'static-admin-token' -AsPlainText -Force) -MaximumRetryCount 0 -PassThru";

        private async Task HandleAsync(WireRequest request, WireExchange exchange)
        {
            var fault = Fault;
            if (fault != null && await fault(request, exchange).ConfigureAwait(false)) return;
            var version = ("OpenStack-API-Version", request.Header("OpenStack-API-Version") ?? "compute 2.1");
            var path = request.Path;
            if (request.Method == "GET" && path == "/v2.1/")
            {
                await exchange.RespondAsync(200, "{\"version\": {\"id\": \"v2.1\", \"status\": \"CURRENT\", \"version\": \"2.93\", \"min_version\": \"2.1\"}}").ConfigureAwait(false);
                return;
            }
            if (request.Method == "GET" && path == "/v2.1/os-services")
            {
                var query = request.Target.Contains('?') ? request.Target.Substring(request.Target.IndexOf('?') + 1) : "";
                string body;
                lock (_lock) body = "{\"services\": [" + string.Join(", ", Records.Where(r => Matches(query, r)).Select(Json)) + "]}";
                await exchange.RespondAsync(200, body, "application/json", version).ConfigureAwait(false);
                return;
            }
            if (request.Method == "PUT" && path.StartsWith("/v2.1/os-services/", StringComparison.Ordinal))
            {
                if (PutDelay > TimeSpan.Zero) await Task.Delay(PutDelay).ConfigureAwait(false);
                Interlocked.Increment(ref _puts);
                var id = path.Substring("/v2.1/os-services/".Length);
                Record? record;
                lock (_lock) record = Records.FirstOrDefault(r => r.Id == id);
                if (record == null)
                {
                    await exchange.RespondAsync(404, WireNova.NovaFault(404, "itemNotFound", $"Service {id} could not be found."), "application/json", version).ConfigureAwait(false);
                    return;
                }
                PutHosts.Enqueue(record.Host);
                if (record.Binary != "nova-compute")
                {
                    await exchange.RespondAsync(400, WireNova.NovaFault(400, "badRequest", $"Updating a {record.Binary} service is not supported. Only nova-compute services can be updated."),
                        "application/json", version).ConfigureAwait(false);
                    return;
                }
                using var doc = JsonDocument.Parse(request.Body);
                string answer;
                lock (_lock)
                {
                    if (doc.RootElement.TryGetProperty("status", out var status))
                    {
                        record.Disabled = status.GetString() == "disabled";
                        record.Reason = record.Disabled && doc.RootElement.TryGetProperty("disabled_reason", out var reason) ? reason.GetString() : null;
                    }
                    if (doc.RootElement.TryGetProperty("forced_down", out var forced)) record.ForcedDown = forced.GetBoolean();
                    answer = "{\"service\": " + Json(record) + "}";
                }
                await exchange.RespondAsync(200, answer, "application/json", version).ConfigureAwait(false);
                return;
            }
            await exchange.RespondAsync(404, "<html><body><h1>404 Not Found</h1></body></html>", "text/html").ConfigureAwait(false);
        }

        private static string Json(Record r)
            => "{\"id\": \"" + r.Id + "\", \"binary\": \"" + r.Binary + "\", \"host\": \"" + r.Host + "\", \"zone\": \"nova\", " +
               "\"status\": \"" + (r.Disabled ? "disabled" : "enabled") + "\", \"state\": \"" + (r.ForcedDown ? "down" : "up") + "\", " +
               "\"forced_down\": " + (r.ForcedDown ? "true" : "false") + ", \"disabled_reason\": " + JsonSerializer.Serialize(r.Reason) + ", " +
               "\"updated_at\": \"2026-11-26T05:00:00.000000\"}";

        private static bool Matches(string query, Record r)
        {
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                var value = Uri.UnescapeDataString(kv.Length > 1 ? kv[1] : "");
                if (kv[0] == "host" && value != r.Host) return false;
                if (kv[0] == "binary" && value != r.Binary) return false;
            }
            return true;
        }

        public void Dispose() => Server.Dispose();
    }
}
