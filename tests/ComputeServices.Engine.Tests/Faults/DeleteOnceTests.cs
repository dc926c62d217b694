using System;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using ComputeServices.Tests.Nova;
using Xunit;

namespace ComputeServices.Tests.Faults
{
    /// <summary>Issue 8 item 1: a DELETE (and the token POST) goes over the wire at most once.</summary>
    public class DeleteOnceTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        /// <summary>The server acts on the DELETE (or not), then closes the connection without answering.</summary>
        private static void DropDeletes(WireNova nova, bool deleteFirst, bool graceful)
            => nova.Fault = (request, exchange) =>
            {
                if (request.Method != "DELETE") return Task.FromResult(false);
                if (deleteFirst) nova.Services.TryRemove(request.Path.Substring("/v2.1/os-services/".Length), out _);
                exchange.Drop(graceful);
                return Task.FromResult(true);
            };

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task A_delete_whose_answer_is_lost_is_sent_once_and_reported_done_when_the_service_is_gone(bool graceful)
        {
            using var nova = new WireNova();
            DropDeletes(nova, deleteFirst: true, graceful);
            var log = new CollectingLog();
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, log);
            var service = await backend.ResolveAsync(ServiceRef.ByHost("compute-1", "nova-compute"), None);

            await backend.DeleteAsync(service, None);

            Assert.Equal(1, nova.Count("DELETE", "/v2.1/os-services/"));
            Assert.Contains(log.Lines, l => l.StartsWith("WARNING: ") && l.Contains("answer") && l.Contains("lost") && l.Contains("compute-1"));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task A_delete_whose_answer_is_lost_and_whose_service_remains_is_OutcomeUnknown(bool graceful)
        {
            using var nova = new WireNova();
            DropDeletes(nova, deleteFirst: false, graceful);
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog());
            var service = await backend.ResolveAsync(ServiceRef.ByHost("compute-1", "nova-compute"), None);

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.DeleteAsync(service, None));

            Assert.Equal(ErrorIds.OutcomeUnknown, ex.ErrorId);
            Assert.Equal(1, nova.Count("DELETE", "/v2.1/os-services/"));
            Assert.Contains("Get-ComputeService", ex.RecommendedAction);
            Assert.Same(service.Host, ((ComputeService)ex.Target!).Host);
        }

        [Fact]
        public async Task A_delete_that_times_out_after_it_went_out_is_checked_not_resent()
        {
            using var nova = new WireNova();
            nova.Fault = async (request, exchange) =>
            {
                if (request.Method != "DELETE") return false;
                nova.Services.TryRemove(request.Path.Substring("/v2.1/os-services/".Length), out _);
                await Task.Delay(TimeSpan.FromSeconds(3));
                exchange.Drop();
                return true;
            };
            var log = new CollectingLog();
            using var connection = nova.ConnectStatic(configure: s => s.TimeoutSec = 1);
            using var backend = new NovaBackend(connection, log);
            var service = await backend.ResolveAsync(ServiceRef.ByHost("compute-2", "nova-compute"), None);

            await backend.DeleteAsync(service, None);

            Assert.Equal(1, nova.Count("DELETE", "/v2.1/os-services/"));
            Assert.Contains(log.Lines, l => l.StartsWith("WARNING: ") && l.Contains("lost") && l.Contains("compute-2"));
        }

        [Fact]
        public async Task When_the_check_after_a_lost_delete_fails_too_the_outcome_is_unknown()
        {
            using var nova = new WireNova();
            var deleted = false;
            nova.Fault = (request, exchange) =>
            {
                if (request.Method == "DELETE")
                {
                    deleted = true;
                    exchange.Drop(graceful: true);
                    return Task.FromResult(true);
                }
                if (deleted && request.Method == "GET" && request.Path == "/v2.1/os-services")
                {
                    exchange.Drop(graceful: false);
                    return Task.FromResult(true);
                }
                return Task.FromResult(false);
            };
            using var connection = nova.ConnectStatic(configure: s => s.MaximumRetryCount = 0);
            using var backend = new NovaBackend(connection, new CollectingLog());
            var service = await backend.ResolveAsync(ServiceRef.ByHost("compute-1", "nova-compute"), None);

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.DeleteAsync(service, None));

            Assert.Equal(ErrorIds.OutcomeUnknown, ex.ErrorId);
            Assert.Contains("checking by listing failed", ex.Message);
            Assert.Equal(1, nova.Count("DELETE", "/v2.1/os-services/"));
        }

        [Fact]
        public async Task A_delete_that_never_reached_the_server_is_EndpointUnreachable_not_OutcomeUnknown()
        {
            int port;
            using (var gone = new WireNova()) port = gone.Server.Port;
            var settings = new NovaConnectionSettings
            {
                Endpoint = new System.Uri($"http://127.0.0.1:{port}/v2.1"), Token = "static-admin-token", AuthType = "admin_token", MaximumRetryCount = 0,
            };
            using var connection = NovaConnection.Create(settings);
            var service = new ComputeService("3f1ee6a4-1d2c-4f4c-9b67-2a4c57a0c101", "nova-compute", "compute-1", null, ServiceStatus.Enabled, null, null, null, null);
            using var backend = new NovaBackend(connection, new CollectingLog());

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.DeleteAsync(service, None));

            Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task A_token_request_whose_answer_is_lost_is_not_sent_again(bool graceful)
        {
            using var nova = new WireNova();
            nova.Fault = (request, exchange) =>
            {
                if (request.Method != "POST") return Task.FromResult(false);
                exchange.Drop(graceful);
                return Task.FromResult(true);
            };
            using var connection = nova.ConnectKeystone();

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => connection.ConnectAsync(None));

            Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);
            Assert.Equal(1, nova.Count("POST", "/v3/auth/tokens"));
        }

        [Fact]
        public async Task A_token_request_answered_503_is_retried()
        {
            using var nova = new WireNova();
            var first = true;
            nova.Fault = async (request, exchange) =>
            {
                if (request.Method != "POST" || !first) return false;
                first = false;
                await exchange.RespondAsync(503, "{}", "application/json", ("Retry-After", "0"));
                return true;
            };
            using var connection = nova.ConnectKeystone();

            await connection.ConnectAsync(None);

            Assert.Equal(2, nova.Count("POST", "/v3/auth/tokens"));
        }
    }
}
