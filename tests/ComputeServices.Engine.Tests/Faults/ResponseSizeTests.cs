using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using ComputeServices.Tests.Nova;
using Xunit;

namespace ComputeServices.Tests.Faults
{
    [CollectionDefinition(nameof(ResponseSizeTests), DisableParallelization = true)]
    public class ResponseSizeCollection
    {
    }

    /// <summary>Issue 8 item 5: response bodies are capped (MaximumResponseSizeMB) and read in bounded memory.</summary>
    [Collection(nameof(ResponseSizeTests))]
    public class ResponseSizeTests
    {
        private static readonly CancellationToken None = CancellationToken.None;
        private const long TwoHundredMB = 200L * 1024 * 1024;

        private static WireNova StreamingNova(long length, bool announceLength)
        {
            var nova = new WireNova();
            nova.Fault = async (request, exchange) =>
            {
                if (request.Path != "/v2.1/os-services") return false;
                await exchange.StreamJsonAsync(length, announceLength);
                return true;
            };
            return nova;
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task A_200_MB_answer_is_ResponseTooLarge_without_holding_it(bool announceLength)
        {
            using var nova = StreamingNova(TwoHundredMB, announceLength);
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog { IsDebugEnabled = false });
            await connection.ConnectAsync(None);

            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ListAsync(ServiceQuery.All, None));
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

            Assert.Equal(ErrorIds.ResponseTooLarge, ex.ErrorId);
            Assert.Contains("64 MB", ex.Message);
            Assert.Equal(nova.ComputeUrl + "/os-services", ex.Target);
            // The default cap is 64 MB: reading up to it may allocate about twice that (a growing buffer), never the 200 MB body and its string.
            Assert.True(allocated < 160L * 1024 * 1024, $"allocated {allocated / (1024 * 1024)} MB");
        }

        [Fact]
        public async Task The_cap_is_the_connections_setting()
        {
            using var nova = StreamingNova(3L * 1024 * 1024, announceLength: false);
            using var connection = nova.ConnectStatic(configure: s => s.MaximumResponseSizeMB = 2);
            using var backend = new NovaBackend(connection, new CollectingLog());

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ListAsync(ServiceQuery.All, None));

            Assert.Equal(ErrorIds.ResponseTooLarge, ex.ErrorId);
            Assert.Contains("2 MB", ex.Message);
            Assert.Equal(2, connection.MaximumResponseSizeMB);
        }

        [Fact]
        public async Task An_announced_length_beyond_one_array_is_read_in_blocks_and_a_cut_body_is_reported()
        {
            using var nova = new WireNova();
            nova.Fault = async (request, exchange) =>
            {
                if (request.Path != "/v2.1/os-services") return false;
                await exchange.CutShortAsync(3L * 1024 * 1024 * 1024);
                return true;
            };
            using var connection = nova.ConnectStatic(configure: s => { s.MaximumResponseSizeMB = 4096; s.MaximumRetryCount = 0; });
            using var backend = new NovaBackend(connection, new CollectingLog());

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ListAsync(ServiceQuery.All, None));

            Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);
        }

        [Fact]
        public async Task An_answer_under_the_cap_is_read()
        {
            using var nova = new WireNova();
            using var connection = nova.ConnectStatic(configure: s => s.MaximumResponseSizeMB = 1);
            using var backend = new NovaBackend(connection, new CollectingLog());

            var services = await backend.ListAsync(ServiceQuery.All, None);

            Assert.Equal(2, services.Count);
        }

        [Fact]
        public async Task Bodies_are_not_written_to_a_log_that_does_not_want_debug()
        {
            using var nova = new WireNova();
            var quiet = new CollectingLog { IsDebugEnabled = false };
            var loud = new CollectingLog();
            using var connection = nova.ConnectKeystone();

            await new NovaBackend(connection, quiet).ListAsync(ServiceQuery.All, None);
            await new NovaBackend(connection, loud).ListAsync(ServiceQuery.All, None);

            Assert.DoesNotContain(quiet.Lines, l => l.StartsWith("DEBUG: "));
            Assert.Contains(quiet.Lines, l => l.StartsWith("VERBOSE: GET "));
            Assert.Contains(loud.Lines, l => l.StartsWith("DEBUG: ") && l.Contains("response body"));
        }
    }
}
