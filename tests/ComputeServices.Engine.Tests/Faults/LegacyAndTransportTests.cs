using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using ComputeServices.Tests.Nova;
using Xunit;

namespace ComputeServices.Tests.Faults
{
    /// <summary>Issue 8 items 6 and 8: a half-applied legacy update says what holds; cleartext and TLS opt-out warn once.</summary>
    public class LegacyAndTransportTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        [Theory]
        [InlineData(true, ServiceStatus.Disabled, "forced down, but not disabled", "os-services/disable")]
        [InlineData(false, ServiceStatus.Enabled, "no longer forced down, but not enabled", "os-services/enable")]
        public async Task Below_2_53_a_failed_second_request_says_what_was_applied(bool forcedDown, string status, string expected, string secondPath)
        {
            using var nova = new WireNova("2.52");
            nova.Fault = async (request, exchange) =>
            {
                if (request.Method == "PUT" && request.Path == "/v2.1/os-services/force-down")
                {
                    await exchange.RespondAsync(200, "{\"service\": {\"host\": \"compute-1\", \"binary\": \"nova-compute\", \"forced_down\": " + (forcedDown ? "true" : "false") + "}}",
                        "application/json", ("OpenStack-API-Version", "compute 2.52"));
                    return true;
                }
                if (request.Method == "PUT" && request.Path == "/v2.1/" + secondPath)
                {
                    await exchange.RespondAsync(500, WireNova.NovaFault(500, "computeFault", "Unexpected API Error."), "application/json", ("x-openstack-request-id", "req-2"));
                    return true;
                }
                return false;
            };
            using var connection = nova.ConnectStatic(configure: s => s.MaximumRetryCount = 0);
            using var backend = new NovaBackend(connection, new CollectingLog());
            var service = new ComputeService("1", "nova-compute", "compute-1", "nova", ServiceStatus.Enabled, "up", false, null, null);

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() =>
                backend.UpdateAsync(service, new ServiceChange(status, null, forcedDown), None));

            Assert.Contains(expected, ex.Message);
            Assert.Contains("compute-1", ex.Message);
            Assert.Equal(ErrorIds.NovaRequestFailed, ex.ErrorId);
            Assert.Equal("req-2", ex.RequestId);
            Assert.Equal(1, nova.Count("PUT", "/v2.1/os-services/force-down"));
        }

        [Fact]
        public async Task The_credential_choice_of_the_config_is_warned_once_per_connection()
        {
            using var nova = new WireNova();
            var log = new CollectingLog();
            using var connection = nova.ConnectStatic(configure: s => s.AuthChoiceWarning = "Both a password and an application credential are set");
            using var backend = new NovaBackend(connection, log);

            await backend.ListAsync(ServiceQuery.All, None);
            await backend.ListAsync(ServiceQuery.All, None);

            Assert.Single(log.Lines, l => l == "WARNING: Both a password and an application credential are set");
        }

        [Fact]
        public async Task Credentials_over_cleartext_http_to_another_host_warn_once_per_connection()
        {
            using var nova = new WireNova();
            // The loopback server is the proxy; the URL the credentials go to is a remote http:// one.
            var log = new CollectingLog();
            using var connection = nova.ConnectStatic(configure: s =>
            {
                s.Endpoint = new Uri("http://nova.example.test:8774/v2.1");
                s.Proxy = new Uri(nova.Server.BaseUrl);
            });
            using var backend = new NovaBackend(connection, log);

            await backend.ListAsync(ServiceQuery.All, None);
            await backend.ListAsync(ServiceQuery.All, None);

            var warnings = log.Lines.Where(l => l.StartsWith("WARNING: ") && l.Contains("unencrypted")).ToList();
            Assert.Single(warnings);
            Assert.Contains("http://nova.example.test:8774", warnings[0]);
        }

        [Fact]
        public async Task Loopback_http_does_not_warn()
        {
            using var nova = new WireNova();
            var log = new CollectingLog();
            using var connection = nova.ConnectKeystone(log: log);

            await connection.ConnectAsync(None);

            Assert.DoesNotContain(log.Lines, l => l.StartsWith("WARNING: "));
        }

        [Fact]
        public async Task Skipped_certificate_checks_warn_once_per_connection()
        {
            using var nova = new WireNova();
            var log = new CollectingLog();
            using var connection = nova.ConnectKeystone(log: log, configure: s => s.Insecure = true);
            using var backend = new NovaBackend(connection, log);

            await connection.ConnectAsync(None);
            await backend.ListAsync(ServiceQuery.All, None);

            Assert.Single(log.Lines, l => l.StartsWith("WARNING: ") && l.Contains("certificate checks are off"));
        }
    }
}
