using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;

namespace ComputeServices.Tests.Nova
{
    public sealed class RecordedRequest
    {
        public RecordedRequest(HttpMethod method, Uri uri, Dictionary<string, string> headers, string? body)
        {
            Method = method;
            Uri = uri;
            Headers = headers;
            Body = body;
        }

        public HttpMethod Method { get; }
        public Uri Uri { get; }
        public Dictionary<string, string> Headers { get; }
        public string? Body { get; }
        public string PathAndQuery => Uri.PathAndQuery;
        public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
        public override string ToString() => $"{Method} {PathAndQuery}";
    }

    /// <summary>A scripted Nova (and Keystone): routes are tried newest first; each may answer once or always.</summary>
    public sealed class FakeNova : HttpMessageHandler
    {
        public const string ComputeUrl = "http://nova.test:8774/v2.1";
        public const string AuthUrl = "http://keystone.test:5000/v3";

        private readonly List<(Func<RecordedRequest, bool> Match, Func<RecordedRequest, HttpResponseMessage> Answer, bool Once)> _routes = new();
        public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
        public int TokensIssued;

        public FakeNova(string maxVersion = "2.93", string minVersion = "2.1")
        {
            On(HttpMethod.Get, "/v2.1/", _ => Json(200, $"{{\"version\": {{\"id\": \"v2.1\", \"status\": \"CURRENT\", \"version\": \"{maxVersion}\", \"min_version\": \"{minVersion}\"}}}}"));
        }

        public IReadOnlyList<RecordedRequest> ComputeRequests
            => Requests.Where(r => r.Uri.Host == "nova.test" && r.Uri.AbsolutePath != "/v2.1/").ToList();

        public FakeNova On(HttpMethod method, string pathAndQuery, Func<RecordedRequest, HttpResponseMessage> answer, bool once = false)
            => On(r => r.Method == method && r.PathAndQuery == pathAndQuery, answer, once);

        public FakeNova On(Func<RecordedRequest, bool> match, Func<RecordedRequest, HttpResponseMessage> answer, bool once = false)
        {
            lock (_routes) _routes.Insert(0, (match, answer, once));
            return this;
        }

        /// <summary>Keystone answering tokens "tok-1", "tok-2", ... with a compute catalog.</summary>
        public FakeNova WithKeystone(int lifetimeSeconds = 3600, Func<DateTime>? now = null, string catalogUrl = ComputeUrl)
            => On(r => r.Method == HttpMethod.Post && r.Uri.AbsoluteUri == AuthUrl + "/auth/tokens", r =>
            {
                var n = Interlocked.Increment(ref TokensIssued);
                var expires = (now ?? (() => DateTime.UtcNow))().AddSeconds(lifetimeSeconds).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");
                var body = "{\"token\": {\"expires_at\": \"" + expires + "\", \"user\": {\"name\": \"admin\"}, \"project\": {\"name\": \"admin\"}, " +
                           "\"catalog\": [" +
                           "{\"type\": \"compute_legacy\", \"endpoints\": [{\"interface\": \"public\", \"region_id\": \"RegionOne\", \"url\": \"http://nova.test:8774/v2\"}]}," +
                           "{\"type\": \"compute\", \"endpoints\": [" +
                           "{\"interface\": \"internal\", \"region_id\": \"RegionOne\", \"url\": \"http://internal.test:8774/v2.1\"}," +
                           "{\"interface\": \"public\", \"region_id\": \"RegionTwo\", \"url\": \"http://two.test:8774/v2.1\"}," +
                           "{\"interface\": \"public\", \"region_id\": \"RegionOne\", \"url\": \"" + catalogUrl + "\"}]}]}}";
                var response = Json(201, body);
                response.Headers.TryAddWithoutValidation("X-Subject-Token", "tok-" + n);
                return response;
            });

        public static HttpResponseMessage Json(int status, string body, string? requestId = null)
        {
            var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (requestId != null) response.Headers.TryAddWithoutValidation("x-openstack-request-id", requestId);
            return response;
        }

        public static HttpResponseMessage Fault(int status, string fault, string message, string? requestId = "req-0000")
            => Json(status, "{\"" + fault + "\": {\"code\": " + status + ", \"message\": " + System.Text.Json.JsonSerializer.Serialize(message) + "}}", requestId);

        public static string Sample(string relative)
            => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "os-services", relative));

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            var body = request.Content == null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            if (request.Content?.Headers.ContentType != null) headers["Content-Type"] = request.Content.Headers.ContentType.ToString();
            var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
            Requests.Enqueue(recorded);
            lock (_routes)
            {
                for (var i = 0; i < _routes.Count; i++)
                {
                    if (!_routes[i].Match(recorded)) continue;
                    var route = _routes[i];
                    if (route.Once) _routes.RemoveAt(i);
                    return route.Answer(recorded);
                }
            }
            return Fault(404, "itemNotFound", "The resource could not be found. (fake: " + recorded + ")");
        }

        /// <summary>A connection with a static token (no Keystone), instant retries.</summary>
        public NovaConnection Connect(string? pin = null, IOperationLog? log = null, Action<NovaConnectionSettings>? configure = null)
        {
            var settings = new NovaConnectionSettings { Endpoint = new Uri(ComputeUrl), Token = "admin:admin", AuthType = "admin_token", ComputeApiVersion = pin };
            configure?.Invoke(settings);
            var connection = NovaConnection.Create(settings, log, this);
            connection.Delay = (_, _) => Task.CompletedTask;
            return connection;
        }

        public NovaConnection ConnectKeystone(IOperationLog? log = null, Action<NovaConnectionSettings>? configure = null)
        {
            var settings = new NovaConnectionSettings
            {
                AuthUrl = AuthUrl, Username = "admin", Password = "s3cret-Pa55", ProjectName = "admin",
                UserDomainName = "Default", ProjectDomainName = "Default", RegionName = "RegionOne",
            };
            configure?.Invoke(settings);
            var connection = NovaConnection.Create(settings, log, this);
            connection.Delay = (_, _) => Task.CompletedTask;
            return connection;
        }
    }

    public sealed class CollectingLog : IOperationLog
    {
        public ConcurrentQueue<string> Lines { get; } = new();
        public void Verbose(string message) => Lines.Enqueue("VERBOSE: " + message);
        public void Debug(string message) => Lines.Enqueue("DEBUG: " + message);
        public void Warning(string message) => Lines.Enqueue("WARNING: " + message);
        public bool IsDebugEnabled { get; set; } = true;
        public string All => string.Join("\n", Lines);
    }
}
