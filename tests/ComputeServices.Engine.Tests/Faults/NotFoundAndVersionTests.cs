using System;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using ComputeServices.Tests.Nova;
using Xunit;

namespace ComputeServices.Tests.Faults
{
    /// <summary>Issue 8 items 2 and 3: which 404 means "not found", and version discovery that is not remembered when it fails.</summary>
    public class NotFoundAndVersionTests
    {
        private static readonly CancellationToken None = CancellationToken.None;
        private const string Html404 = "<html><head><title>404 Not Found</title></head><body>nginx</body></html>";

        private static Func<WireRequest, WireExchange, Task<bool>> Answer(string method, string path, int status, string body, string contentType,
            params (string, string)[] headers)
            => async (request, exchange) =>
            {
                if (request.Method != method || request.Path != path) return false;
                await exchange.RespondAsync(status, body, contentType, headers);
                return true;
            };

        [Theory]
        [InlineData("text/html", Html404)]
        [InlineData("application/json", "{\"itemNotFound\": {\"code\": 404, \"message\": \"The resource could not be found.\"}}")]
        public async Task A_404_on_the_collection_is_EndpointUnreachable_naming_the_url(string contentType, string body)
        {
            using var nova = new WireNova();
            nova.Fault = Answer("GET", "/v2.1/os-services", 404, body, contentType);
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog());

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ListAsync(ServiceQuery.All, None));

            Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);
            Assert.Equal(nova.ComputeUrl + "/os-services", ex.Target);
            Assert.Contains(nova.ComputeUrl + "/os-services", ex.Message);
        }

        [Fact]
        public async Task An_endpoint_without_v2_1_is_EndpointUnreachable_not_a_guess()
        {
            using var nova = new WireNova();
            using var connection = nova.ConnectStatic(configure: s => s.Endpoint = new Uri(nova.Server.BaseUrl));
            using var backend = new NovaBackend(connection, new CollectingLog());

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ResolveAsync(ServiceRef.ByHost("gone", "nova-compute"), None));

            Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);
            Assert.Contains(nova.Server.BaseUrl, ex.Message);
        }

        [Fact]
        public async Task A_proxy_404_on_a_named_service_is_EndpointUnreachable_and_a_Nova_fault_is_ServiceNotFound()
        {
            using var nova = new WireNova();
            const string id = "3f1ee6a4-1d2c-4f4c-9b67-2a4c57a0c101";
            nova.Fault = Answer("DELETE", "/v2.1/os-services/" + id, 404, Html404, "text/html");
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog());
            var service = await backend.ResolveAsync(ServiceRef.ByHost("compute-1", "nova-compute"), None);

            var proxy = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.DeleteAsync(service, None));
            nova.Fault = Answer("DELETE", "/v2.1/os-services/" + id, 404, WireNova.NovaFault(404, "itemNotFound", $"Service {id} not found."), "application/json");
            var nova404 = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.DeleteAsync(service, None));

            Assert.Equal(ErrorIds.EndpointUnreachable, proxy.ErrorId);
            Assert.Equal(ErrorIds.ServiceNotFound, nova404.ErrorId);
        }

        [Fact]
        public async Task A_failed_version_discovery_fails_Connect_and_is_tried_again_by_the_next_command()
        {
            using var nova = new WireNova("2.93");
            var unavailable = 3; // the first try and both retries
            nova.Fault = async (request, exchange) =>
            {
                if (request.Path != "/v2.1/" || Interlocked.Decrement(ref unavailable) < 0) return false;
                await exchange.RespondAsync(503, "{}", "application/json", ("Retry-After", "0"));
                return true;
            };
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog());

            var first = await Assert.ThrowsAsync<ComputeServiceException>(() => connection.ConnectAsync(None));
            var services = await backend.ListAsync(ServiceQuery.All, None);

            Assert.Equal(ErrorIds.EndpointUnreachable, first.ErrorId);
            Assert.Contains("503", first.Message);
            Assert.Equal("2.93", connection.ApiVersion);
            Assert.All(services, s => Assert.True(NovaJson.IsUuidLike(s.Id)));
            Assert.Equal(4, System.Linq.Enumerable.Count(nova.Server.Requests, r => r.Path == "/v2.1/"));
        }

        [Fact]
        public async Task An_answer_at_another_microversion_than_asked_is_ApiVersionNotSupported_naming_both()
        {
            using var nova = new WireNova("2.93");
            // A proxy that strips the request header: Nova answers at 2.1, with integer ids.
            nova.Fault = Answer("GET", "/v2.1/os-services", 200,
                "{\"services\": [{\"id\": 1, \"binary\": \"nova-compute\", \"host\": \"compute-1\", \"status\": \"enabled\", \"state\": \"up\"}]}",
                "application/json", ("OpenStack-API-Version", "compute 2.1"));
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog());

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ListAsync(ServiceQuery.All, None));

            Assert.Equal(ErrorIds.ApiVersionNotSupported, ex.ErrorId);
            Assert.Contains("2.93", ex.Message);
            Assert.Contains("2.1", ex.Message);
        }

        [Theory]
        [InlineData("compute 2.x")]
        [InlineData("compute banana")]
        public async Task A_malformed_version_header_is_quoted_not_shown_as_0_0(string header)
        {
            using var nova = new WireNova("2.93");
            nova.Fault = Answer("GET", "/v2.1/os-services", 200, "{\"services\": []}", "application/json", ("OpenStack-API-Version", header));
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog());

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ListAsync(ServiceQuery.All, None));

            Assert.Equal(ErrorIds.ApiVersionNotSupported, ex.ErrorId);
            Assert.Contains(header, ex.Message);
            Assert.DoesNotMatch(@"(?<![\d.])0\.0(?![\d.])", ex.Message);
        }

        [Theory]
        [InlineData("2.x")]
        [InlineData("two")]
        public async Task A_malformed_version_document_fails_quoting_it_never_0_0(string version)
        {
            using var nova = new WireNova(version);
            var log = new CollectingLog();
            using var connection = nova.ConnectStatic();

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => connection.ConnectAsync(None, log));

            Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);
            Assert.Contains($"'{version}'", ex.Message);
            Assert.DoesNotMatch(@"(?<![\d.])0\.0(?![\d.])", ex.Message);
            Assert.DoesNotMatch(@"(?<![\d.])0\.0(?![\d.])", log.All);
            Assert.False(connection.IsConnected);
        }
    }
}
