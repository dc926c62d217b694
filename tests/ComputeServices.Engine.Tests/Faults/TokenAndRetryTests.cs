using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using ComputeServices.Tests.Nova;
using Xunit;

namespace ComputeServices.Tests.Faults
{
    /// <summary>Issue 8 item 4: token renewal from Keystone's own times, and retry waits that are reported before waiting.</summary>
    public class TokenAndRetryTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        [Theory]
        [InlineData(60, 0)]
        [InlineData(30, 0)]
        [InlineData(3600, -7200)] // Keystone's clock two hours behind: its expires_at is already past by ours
        public async Task A_token_is_not_renewed_before_every_request(double lifetimeSeconds, double skewSeconds)
        {
            using var nova = new WireNova { TokenLifetimeSeconds = lifetimeSeconds, ClockSkew = TimeSpan.FromSeconds(skewSeconds) };
            using var connection = nova.ConnectKeystone();
            using var backend = new NovaBackend(connection, new CollectingLog());

            for (var i = 0; i < 4; i++) await backend.ListAsync(ServiceQuery.All, None);

            Assert.Equal(1, nova.TokensIssued);
        }

        [Theory]
        [InlineData(false, 3600, -7200)] // no issued_at, and expires_at an hour before this machine's now
        [InlineData(true, -3600, 0)]     // expires_at before issued_at
        public async Task A_token_issued_already_expired_is_used_until_Nova_says_401_with_one_warning(bool sendIssuedAt, double lifetimeSeconds, double skewSeconds)
        {
            using var nova = new WireNova { SendIssuedAt = sendIssuedAt, TokenLifetimeSeconds = lifetimeSeconds, ClockSkew = TimeSpan.FromSeconds(skewSeconds) };
            var log = new CollectingLog();
            using var connection = nova.ConnectKeystone(log: log);
            using var backend = new NovaBackend(connection, log);

            for (var i = 0; i < 10; i++) await backend.ListAsync(ServiceQuery.All, None);
            var beforeRejection = nova.TokensIssued;
            var rejected = 0;
            nova.Fault = async (request, exchange) =>
            {
                if (request.Path != "/v2.1/os-services" || Interlocked.Exchange(ref rejected, 1) == 1) return false;
                await exchange.RespondAsync(401, WireNova.NovaFault(401, "unauthorized", "The request you have made requires authentication."));
                return true;
            };
            for (var i = 0; i < 3; i++) await backend.ListAsync(ServiceQuery.All, None);

            Assert.Equal(1, beforeRejection);
            Assert.Equal(2, nova.TokensIssued);
            Assert.Equal(10 + 3 + 1, nova.Count("GET", "/v2.1/os-services"));
            var warning = Assert.Single(log.Lines, l => l.StartsWith("WARNING: "));
            Assert.Contains("clock", warning);
            Assert.Contains("Keystone", warning);
        }

        [Theory]
        [InlineData(60, 29, 31)]      // half the lifetime
        [InlineData(3600, 3470, 3490)] // 120 s before expiry
        public async Task A_token_is_renewed_at_the_smaller_of_120_s_and_half_its_lifetime(double lifetimeSeconds, double stillValidAfter, double renewedAfter)
        {
            using var nova = new WireNova { TokenLifetimeSeconds = lifetimeSeconds, ClockSkew = TimeSpan.FromHours(-3) };
            using var connection = nova.ConnectKeystone();
            var now = DateTime.UtcNow;
            connection.UtcNow = () => now;
            using var backend = new NovaBackend(connection, new CollectingLog());
            await backend.ListAsync(ServiceQuery.All, None);
            var start = now;

            now = start.AddSeconds(stillValidAfter);
            await backend.ListAsync(ServiceQuery.All, None);
            var afterFirstWait = nova.TokensIssued;
            now = start.AddSeconds(renewedAfter);
            await backend.ListAsync(ServiceQuery.All, None);

            Assert.Equal(1, afterFirstWait);
            Assert.Equal(2, nova.TokensIssued);
        }

        [Fact]
        public async Task A_retry_wait_is_reported_with_its_Retry_After_before_waiting()
        {
            using var nova = new WireNova();
            var busy = 1;
            nova.Fault = async (request, exchange) =>
            {
                if (request.Path != "/v2.1/os-services" || Interlocked.Decrement(ref busy) < 0) return false;
                await exchange.RespondAsync(503, "{}", "application/json", ("Retry-After", "7"));
                return true;
            };
            var log = new CollectingLog();
            using var connection = nova.ConnectStatic();
            string? seenWhileWaiting = null;
            TimeSpan waited = TimeSpan.Zero;
            connection.Delay = (delay, _) =>
            {
                seenWhileWaiting = log.All;
                waited = delay;
                return Task.CompletedTask;
            };
            using var backend = new NovaBackend(connection, log);

            await backend.ListAsync(ServiceQuery.All, None);

            Assert.Equal(TimeSpan.FromSeconds(7), waited);
            Assert.NotNull(seenWhileWaiting);
            var line = seenWhileWaiting!.Split('\n').Single(l => l.Contains("retry 1 of"));
            Assert.StartsWith("VERBOSE: ", line);
            Assert.Contains("Retry-After 7 s", line);
            Assert.Contains("/v2.1/os-services", line);
        }
    }
}
