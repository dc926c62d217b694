using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using ComputeServices.Tests.Nova;
using Xunit;

namespace ComputeServices.Tests.Faults
{
    /// <summary>
    /// Issue 16: a 200 answer without the member Nova always sends is InvalidResponse naming the URL (never an empty
    /// listing), and an endpoint Nova cannot be reached at (relative, not http, with a query or fragment) is InvalidEndpoint.
    /// </summary>
    public class InvalidAnswerTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        private static WireNova AnsweringWith(string path, string body)
        {
            var nova = new WireNova();
            nova.Fault = async (request, exchange) =>
            {
                if (request.Path != path) return false;
                await exchange.RespondAsync(200, body, "application/json", ("OpenStack-API-Version", request.Header("OpenStack-API-Version") ?? "compute 2.1"));
                return true;
            };
            return nova;
        }

        private static void AssertInvalidResponse(ComputeServiceException? ex, string url, string member)
        {
            Assert.NotNull(ex);
            Assert.Equal(ErrorIds.InvalidResponse, ex!.ErrorId);
            Assert.Equal(FailureKind.InvalidData, ex.Kind);
            Assert.Equal(url, ex.Target);
            Assert.Contains(url, ex.Message);
            Assert.Contains($"'{member}'", ex.Message);
        }

        [Theory]
        [InlineData("{}")]
        [InlineData("{\"services\": null}")]
        [InlineData("{\"services\": {}}")]
        [InlineData("[]")]
        [InlineData("")]
        public async Task A_listing_without_services_is_InvalidResponse_not_empty(string body)
        {
            using var nova = AnsweringWith("/v2.1/os-services", body);
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog());

            var ex = await Record.ExceptionAsync(() => backend.ListAsync(ServiceQuery.All, None));

            AssertInvalidResponse(ex as ComputeServiceException, nova.ComputeUrl + "/os-services", "services");
        }

        [Fact]
        public async Task Resolving_a_host_against_an_empty_body_is_InvalidResponse_not_ServiceNotFound()
        {
            using var nova = AnsweringWith("/v2.1/os-services", "{\"services\": null}");
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog());

            var ex = await Record.ExceptionAsync(() => backend.ResolveAsync(ServiceRef.ByHost("compute-1", "nova-compute"), None));

            AssertInvalidResponse(ex as ComputeServiceException, nova.ComputeUrl + "/os-services", "services");
            Assert.Equal(0, nova.Count("DELETE", "/v2.1/"));
        }

        [Fact]
        public async Task An_empty_listing_is_still_read_as_empty()
        {
            using var nova = AnsweringWith("/v2.1/os-services", "{\"services\": []}");
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog());

            Assert.Empty(await backend.ListAsync(ServiceQuery.All, None));
        }

        [Theory]
        [InlineData("/v2.1/os-migrations", "migrations")]
        [InlineData("/v2.1/os-hypervisors/detail", "hypervisors")]
        [InlineData("/v2.1/servers/detail", "servers")]
        public async Task The_other_listings_without_their_member_are_InvalidResponse(string path, string member)
        {
            using var nova = AnsweringWith(path, "{\"" + member + "\": null, \"" + member + "_links\": []}");
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog());
            await connection.ConnectAsync(None);

            var ex = await Record.ExceptionAsync(() => member switch
            {
                "migrations" => backend.ListPendingEvacuationsAsync("compute-1", None),
                "hypervisors" => backend.ListHypervisorsAsync(None),
                _ => (Task)backend.ListInstancesAsync("compute-1", None),
            });

            var failure = Assert.IsType<ComputeServiceException>(ex);
            Assert.Equal(ErrorIds.InvalidResponse, failure.ErrorId);
            Assert.Equal(nova.ComputeUrl + path.Substring("/v2.1".Length), failure.Target);
            Assert.Contains($"'{member}'", failure.Message);
        }

        [Fact]
        public async Task An_update_answered_without_service_is_InvalidResponse()
        {
            const string id = "3f1ee6a4-1d2c-4f4c-9b67-2a4c57a0c101";
            using var nova = AnsweringWith("/v2.1/os-services/" + id, "{}");
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog());
            var service = await backend.ResolveAsync(ServiceRef.ByHost("compute-1", "nova-compute"), None);

            var ex = await Record.ExceptionAsync(() => backend.UpdateAsync(service, new ServiceChange(ServiceStatus.Disabled), None));

            AssertInvalidResponse(ex as ComputeServiceException, nova.ComputeUrl + "/os-services/" + id, "service");
        }

        [Theory]
        [InlineData("http://127.0.0.1:9/v2.1?", "query")]
        [InlineData("http://127.0.0.1:9/v2.1?x=1", "query")]
        [InlineData("http://127.0.0.1:9/v2.1#", "fragment")]
        [InlineData("http://127.0.0.1:9/v2.1#top", "fragment")]
        [InlineData("ftp://127.0.0.1/v2.1", "scheme 'ftp'")]
        [InlineData("file:///v2.1", "scheme 'file'")]
        public void An_endpoint_that_is_not_a_plain_http_URL_is_refused_at_Connect(string endpoint, string why)
        {
            var settings = new NovaConnectionSettings { Endpoint = new Uri(endpoint), Token = "static-admin-token", AuthType = "admin_token" };

            var ex = Assert.Throws<ComputeServiceException>(() => NovaConnection.Create(settings));

            Assert.Equal(ErrorIds.InvalidEndpoint, ex.ErrorId);
            Assert.Contains(why, ex.Message);
        }

        [Fact]
        public void A_relative_endpoint_is_refused_at_Connect()
        {
            var settings = new NovaConnectionSettings { Endpoint = new Uri("/v2.1", UriKind.Relative), Token = "static-admin-token", AuthType = "admin_token" };

            var ex = Assert.Throws<ComputeServiceException>(() => NovaConnection.Create(settings));

            Assert.Equal(ErrorIds.InvalidEndpoint, ex.ErrorId);
            Assert.Contains("not an absolute URL", ex.Message);
        }

        [Theory]
        [InlineData("file:///etc/nova")]
        [InlineData("ftp://127.0.0.1/v2.1")]
        [InlineData("/v2.1")]
        [InlineData("CATALOG?")]
        [InlineData("CATALOG#x")]
        public async Task A_catalog_compute_URL_that_is_not_a_plain_http_URL_is_InvalidEndpoint(string url)
        {
            using var nova = new WireNova();
            nova.CatalogComputeUrl = url.Replace("CATALOG", nova.ComputeUrl);
            using var connection = nova.ConnectKeystone();

            var ex = await Record.ExceptionAsync(() => connection.ConnectAsync(None));

            var failure = Assert.IsType<ComputeServiceException>(ex);
            Assert.Equal(ErrorIds.InvalidEndpoint, failure.ErrorId);
            Assert.Contains("catalog", failure.Message);
            Assert.Equal(0, nova.Count("GET", "/"));
        }
    }
}
