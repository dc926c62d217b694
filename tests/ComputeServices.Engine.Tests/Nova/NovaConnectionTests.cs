using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using Xunit;

namespace ComputeServices.Tests.Nova
{
    public class NovaConnectionTests
    {
        private static readonly string List253 = FakeNova.Sample("v2.53/services-list-get-resp.json");

        [Theory]
        [InlineData("2.93", null, "2.93")]
        [InlineData("2.104", null, "2.96")]
        [InlineData("2.93", "2.53", "2.53")]
        [InlineData("2.93", "2.latest", "2.93")]
        [InlineData("2.93", "latest", "2.93")]
        [InlineData("2.93", "2.1", "2.1")]
        public async Task Negotiates_the_microversion(string serverMax, string? pin, string expected)
        {
            var nova = new FakeNova(serverMax);
            using var connection = nova.Connect(pin);
            await connection.ConnectAsync(CancellationToken.None);
            Assert.Equal(expected, connection.ApiVersion);
            Assert.Equal(serverMax, connection.MaxApiVersion);
            Assert.Equal("2.1", connection.MinApiVersion);
            Assert.Equal($"nova@{FakeNova.ComputeUrl} ({expected})", connection.ToString());
        }

        [Theory]
        [InlineData("2.94")]
        [InlineData("3.0")]
        public async Task A_pin_outside_the_server_range_is_refused(string pin)
        {
            var nova = new FakeNova("2.93");
            using var connection = nova.Connect(pin);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => connection.ConnectAsync(CancellationToken.None));
            Assert.Equal(ErrorIds.ApiVersionNotSupported, ex.ErrorId);
            Assert.Equal(FailureKind.NotSupported, ex.Kind);
            Assert.Contains(pin, ex.Message);
            Assert.Contains("maximum of 2.93", ex.Message);
        }

        [Fact]
        public async Task A_versions_root_document_is_understood()
        {
            var nova = new FakeNova();
            nova.On(HttpMethod.Get, "/v2.1/", _ => FakeNova.Json(200,
                "{\"versions\": [{\"id\": \"v2.0\", \"status\": \"SUPPORTED\", \"version\": \"\", \"min_version\": \"\"}," +
                "{\"id\": \"v2.1\", \"status\": \"CURRENT\", \"version\": \"2.88\", \"min_version\": \"2.1\"}]}"));
            using var connection = nova.Connect();
            await connection.ConnectAsync(CancellationToken.None);
            Assert.Equal("2.88", connection.ApiVersion);
        }

        [Fact]
        public void Version_root_strips_a_project_suffix()
        {
            Assert.Equal("http://n:8774/v2.1/", MicroversionNegotiator.VersionRoot(new Uri("http://n:8774/v2.1/b96e5df5f9844278ad6a88c3d7fdaeca")).AbsoluteUri);
            Assert.Equal("https://h/compute/v2.1/", MicroversionNegotiator.VersionRoot(new Uri("https://h/compute/v2.1")).AbsoluteUri);
        }

        [Fact]
        public async Task Every_request_carries_the_version_token_accept_and_user_agent_headers()
        {
            var nova = new FakeNova("2.93");
            nova.On(HttpMethod.Get, "/v2.1/os-services", _ => FakeNova.Json(200, List253));
            using var connection = nova.Connect();
            await new NovaBackend(connection).ListAsync(ServiceQuery.All, CancellationToken.None);
            var request = nova.ComputeRequests.Single();
            Assert.Equal("compute 2.93", request.Header("OpenStack-API-Version"));
            Assert.Equal("2.93", request.Header("X-OpenStack-Nova-API-Version"));
            Assert.Equal("admin:admin", request.Header("X-Auth-Token"));
            Assert.Equal("application/json", request.Header("Accept"));
            Assert.StartsWith("ComputeServices/", request.Header("User-Agent"));
            // Discovery is unauthenticated.
            Assert.Null(nova.Requests.First().Header("X-Auth-Token"));
        }

        [Fact]
        public async Task Keystone_password_auth_picks_the_public_compute_endpoint_of_the_region()
        {
            var nova = new FakeNova().WithKeystone();
            nova.On(HttpMethod.Get, "/v2.1/os-services", _ => FakeNova.Json(200, List253));
            using var connection = nova.ConnectKeystone();
            await connection.ConnectAsync(CancellationToken.None);
            Assert.Equal(new Uri(FakeNova.ComputeUrl), connection.Endpoint);
            var auth = nova.Requests.First();
            Assert.Equal(HttpMethod.Post, auth.Method);
            Assert.Contains("\"methods\":[\"password\"]", auth.Body);
            Assert.Contains("\"scope\":{\"project\":{\"name\":\"admin\",\"domain\":{\"name\":\"Default\"}}}", auth.Body);
            await new NovaBackend(connection).ListAsync(ServiceQuery.All, CancellationToken.None);
            Assert.Equal("tok-1", nova.ComputeRequests.Single().Header("X-Auth-Token"));
        }

        [Fact]
        public async Task Application_credentials_send_no_scope()
        {
            var nova = new FakeNova().WithKeystone();
            using var connection = nova.ConnectKeystone(configure: s =>
            {
                s.Username = null; s.Password = null; s.ProjectName = null;
                s.ApplicationCredentialId = "423f19a4"; s.ApplicationCredentialSecret = "rEaqvJka48mpv";
            });
            await connection.ConnectAsync(CancellationToken.None);
            Assert.Equal("v3applicationcredential", connection.AuthType);
            var body = nova.Requests.First().Body!;
            Assert.Contains("\"application_credential\":{\"secret\":\"rEaqvJka48mpv\",\"id\":\"423f19a4\"}", body);
            Assert.DoesNotContain("scope", body);
        }

        [Fact]
        public async Task A_missing_interface_in_the_catalog_lists_what_the_catalog_has()
        {
            var nova = new FakeNova().WithKeystone();
            using var connection = nova.ConnectKeystone(configure: s => s.Interface = "admin");
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => connection.ConnectAsync(CancellationToken.None));
            Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);
            Assert.Contains("interface 'admin'", ex.Message);
            Assert.Contains("http://internal.test:8774/v2.1", ex.Message);
            Assert.DoesNotContain("/v2 ", ex.Message + " ");
        }

        [Fact]
        public async Task Keystone_401_is_AuthenticationFailed_without_the_password()
        {
            var nova = new FakeNova();
            nova.On(r => r.Method == HttpMethod.Post, _ => FakeNova.Json(401,
                "{\"error\": {\"code\": 401, \"message\": \"The request you have made requires authentication.\", \"title\": \"Unauthorized\"}}", "req-ks"));
            var log = new CollectingLog();
            using var connection = nova.ConnectKeystone(log);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => connection.ConnectAsync(CancellationToken.None));
            Assert.Equal(ErrorIds.AuthenticationFailed, ex.ErrorId);
            Assert.Equal(FailureKind.Authentication, ex.Kind);
            Assert.Equal("req-ks", ex.RequestId);
            Assert.Contains("requires authentication", ex.Message);
            Assert.DoesNotContain("s3cret-Pa55", ex.ToString());
            Assert.DoesNotContain("s3cret-Pa55", log.All);
            Assert.Contains("POST " + FakeNova.AuthUrl + "/auth/tokens", log.All);
        }

        [Fact]
        public async Task A_401_from_nova_reauthenticates_once_and_retries()
        {
            var nova = new FakeNova().WithKeystone();
            nova.On(HttpMethod.Get, "/v2.1/os-services", _ => FakeNova.Json(200, List253));
            nova.On(HttpMethod.Get, "/v2.1/os-services", _ => FakeNova.Fault(401, "unauthorized", "Authentication required"), once: true);
            using var connection = nova.ConnectKeystone();
            var list = await new NovaBackend(connection).ListAsync(ServiceQuery.All, CancellationToken.None);
            Assert.NotEmpty(list);
            Assert.Equal(2, nova.TokensIssued);
            Assert.Equal(new[] { "tok-1", "tok-2" }, nova.ComputeRequests.Select(r => r.Header("X-Auth-Token")));
        }

        [Fact]
        public async Task A_second_401_is_AuthenticationFailed()
        {
            var nova = new FakeNova().WithKeystone();
            nova.On(HttpMethod.Get, "/v2.1/os-services", _ => FakeNova.Fault(401, "unauthorized", "Authentication required", "req-401"));
            using var connection = nova.ConnectKeystone();
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => new NovaBackend(connection).ListAsync(ServiceQuery.All, CancellationToken.None));
            Assert.Equal(ErrorIds.AuthenticationFailed, ex.ErrorId);
            Assert.Equal(2, nova.TokensIssued);
            Assert.Equal(2, nova.ComputeRequests.Count);
        }

        [Fact]
        public async Task A_token_close_to_expiry_is_renewed_before_the_request()
        {
            var now = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
            var nova = new FakeNova().WithKeystone(lifetimeSeconds: 600, now: () => now);
            nova.On(HttpMethod.Get, "/v2.1/os-services", _ => FakeNova.Json(200, List253));
            using var connection = nova.ConnectKeystone();
            connection.UtcNow = () => now;
            var backend = new NovaBackend(connection);
            await backend.ListAsync(ServiceQuery.All, CancellationToken.None);
            now = now.AddSeconds(400); // 200 s left: still fine
            await backend.ListAsync(ServiceQuery.All, CancellationToken.None);
            Assert.Equal(1, nova.TokensIssued);
            now = now.AddSeconds(100); // 100 s left: renew
            await backend.ListAsync(ServiceQuery.All, CancellationToken.None);
            Assert.Equal(2, nova.TokensIssued);
            Assert.Equal("tok-2", nova.ComputeRequests.Last().Header("X-Auth-Token"));
        }

        [Fact]
        public async Task GETs_are_retried_on_503_and_429_honouring_Retry_After()
        {
            var nova = new FakeNova();
            nova.On(HttpMethod.Get, "/v2.1/os-services", _ => FakeNova.Json(200, List253));
            nova.On(HttpMethod.Get, "/v2.1/os-services", _ =>
            {
                var r = FakeNova.Fault(429, "overLimit", "Rate limited");
                r.Headers.TryAddWithoutValidation("Retry-After", "7");
                return r;
            }, once: true);
            nova.On(HttpMethod.Get, "/v2.1/os-services", _ => FakeNova.Fault(503, "serviceUnavailable", "busy"), once: true);
            using var connection = nova.Connect();
            var delays = new System.Collections.Generic.List<TimeSpan>();
            connection.Delay = (d, _) => { delays.Add(d); return Task.CompletedTask; };
            await new NovaBackend(connection).ListAsync(ServiceQuery.All, CancellationToken.None);
            Assert.Equal(3, nova.ComputeRequests.Count);
            Assert.Equal(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(7) }, delays);
        }

        [Fact]
        public async Task Retries_stop_at_MaximumRetryCount()
        {
            var nova = new FakeNova();
            nova.On(HttpMethod.Get, "/v2.1/os-services", _ => FakeNova.Fault(503, "serviceUnavailable", "down", "req-503"));
            using var connection = nova.Connect(configure: s => s.MaximumRetryCount = 2);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => new NovaBackend(connection).ListAsync(ServiceQuery.All, CancellationToken.None));
            Assert.Equal(ErrorIds.NovaRequestFailed, ex.ErrorId);
            Assert.Equal(FailureKind.ServerError, ex.Kind);
            Assert.Equal(3, nova.ComputeRequests.Count);
        }

        [Fact]
        public async Task Connection_failures_are_retried_for_GET_then_reported_as_unreachable()
        {
            var nova = new FakeNova();
            nova.On(HttpMethod.Get, "/v2.1/os-services", _ => throw new HttpRequestException("Connection refused"));
            using var connection = nova.Connect();
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => new NovaBackend(connection).ListAsync(ServiceQuery.All, CancellationToken.None));
            Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);
            Assert.Equal(FailureKind.ConnectionError, ex.Kind);
            Assert.Contains("http://nova.test:8774/v2.1/os-services", ex.Message);
            Assert.Equal(4, nova.ComputeRequests.Count);
        }

        [Fact]
        public async Task TLS_failures_say_so_and_are_not_retried()
        {
            var nova = new FakeNova();
            nova.On(HttpMethod.Get, "/v2.1/os-services", _ => throw new HttpRequestException("SSL failed",
                new System.Security.Authentication.AuthenticationException("The remote certificate is invalid")));
            using var connection = nova.Connect();
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => new NovaBackend(connection).ListAsync(ServiceQuery.All, CancellationToken.None));
            Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);
            Assert.Contains("TLS certificate", ex.Message);
            Assert.Contains("-SkipCertificateCheck", ex.RecommendedAction);
            Assert.Single(nova.ComputeRequests);
        }

        [Fact]
        public async Task A_slow_answer_is_a_timeout_and_cancellation_is_cancellation()
        {
            using var timed = NovaConnection.Create(new NovaConnectionSettings { Endpoint = new Uri(FakeNova.ComputeUrl), Token = "t", TimeoutSec = 1 }, null, new SlowHandler());
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => new NovaBackend(timed).ListAsync(ServiceQuery.All, CancellationToken.None));
            Assert.Equal(FailureKind.Timeout, ex.Kind);
            Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);

            using var cancelled = NovaConnection.Create(new NovaConnectionSettings { Endpoint = new Uri(FakeNova.ComputeUrl), Token = "t", TimeoutSec = 30 }, null, new SlowHandler());
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new NovaBackend(cancelled).ListAsync(ServiceQuery.All, cts.Token));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
        }

        private sealed class SlowHandler : HttpMessageHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                await Task.Delay(TimeSpan.FromSeconds(20), cancellationToken);
                return FakeNova.Json(200, "{}");
            }
        }

        [Fact]
        public async Task Secrets_never_reach_the_log_or_exceptions()
        {
            var nova = new FakeNova().WithKeystone();
            nova.On(HttpMethod.Get, "/v2.1/os-services", _ => FakeNova.Fault(403, "forbidden",
                "Policy doesn't allow os_compute_api:os-services:list to be performed.", "req-403"));
            var log = new CollectingLog();
            using var connection = nova.ConnectKeystone(log);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => new NovaBackend(connection).ListAsync(ServiceQuery.All, CancellationToken.None));
            Assert.Equal(ErrorIds.PermissionDenied, ex.ErrorId);
            Assert.Contains("admin", ex.RecommendedAction);
            var everything = log.All + ex + connection + connection.ToString();
            Assert.Contains("request body", log.All); // the Keystone body was logged, redacted
            Assert.DoesNotContain("s3cret-Pa55", everything);
            Assert.DoesNotContain("tok-1", everything);
            Assert.Contains("VERBOSE: GET http://nova.test:8774/v2.1/os-services [compute 2.93] -> 403 (req-403)", log.All);
        }

        [Fact]
        public void Settings_ToString_has_no_secrets()
        {
            var s = new NovaConnectionSettings { AuthUrl = "http://k/v3", Username = "u", Password = "pw-123456", ApplicationCredentialSecret = "sec-123456", Token = "tok-123456" };
            var text = s.ToString();
            Assert.Contains("user=u", text);
            Assert.DoesNotContain("pw-123456", text);
            Assert.DoesNotContain("sec-123456", text);
            Assert.DoesNotContain("tok-123456", text);
        }

        [Fact]
        public void Auth_type_is_inferred_like_osc_lib()
        {
            Assert.Equal("password", new NovaConnectionSettings { Username = "u", Password = "p" }.EffectiveAuthType);
            Assert.Equal("v3applicationcredential", new NovaConnectionSettings { ApplicationCredentialId = "x" }.EffectiveAuthType);
            Assert.Equal("token", new NovaConnectionSettings { Token = "t", AuthUrl = "http://k" }.EffectiveAuthType);
            Assert.Equal("admin_token", new NovaConnectionSettings { Token = "t", Endpoint = new Uri("http://n") }.EffectiveAuthType);
            Assert.Equal("v3token", new NovaConnectionSettings { Token = "t", AuthType = "V3Token" }.EffectiveAuthType);
        }
    }
}
