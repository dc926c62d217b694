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

        [Theory]
        [InlineData(1536L * 1024 * 1024, ErrorIds.EndpointUnreachable)] // past the first block: read in blocks, then cut
        [InlineData(3L * 1024 * 1024 * 1024, ErrorIds.ResponseTooLarge)] // past what one body can hold: refused before reading
        public async Task An_announced_length_beyond_one_block_is_read_in_blocks_and_a_cut_body_is_reported(long announced, string errorId)
        {
            using var nova = new WireNova();
            nova.Fault = async (request, exchange) =>
            {
                if (request.Path != "/v2.1/os-services") return false;
                await exchange.CutShortAsync(announced);
                return true;
            };
            using var connection = nova.ConnectStatic(configure: s => { s.MaximumResponseSizeMB = 4096; s.MaximumRetryCount = 0; });
            using var backend = new NovaBackend(connection, new CollectingLog());

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ListAsync(ServiceQuery.All, None));

            Assert.Equal(errorId, ex.ErrorId);
        }

        /// <summary>A gzip body of concatenated members, each 64 MB of JSON string when inflated: a few KB each on the wire.</summary>
        private static byte[] GzipBomb(long inflated)
        {
            const int member = 64 * 1024 * 1024;
            var prefix = System.Text.Encoding.ASCII.GetBytes("{\"services\": [], \"pad\": \"");
            byte[] Member(bool first)
            {
                using var buffer = new System.IO.MemoryStream();
                using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
                {
                    var block = System.Text.Encoding.ASCII.GetBytes(new string('x', 65536));
                    var written = 0;
                    if (first)
                    {
                        gzip.Write(prefix, 0, prefix.Length);
                        written = prefix.Length;
                    }
                    while (written < member)
                    {
                        var n = Math.Min(block.Length, member - written);
                        gzip.Write(block, 0, n);
                        written += n;
                    }
                }
                return buffer.ToArray();
            }
            var head = Member(true);
            var rest = Member(false);
            var count = (int)((inflated + member - 1) / member);
            var body = new System.IO.MemoryStream();
            body.Write(head, 0, head.Length);
            for (var i = 1; i < count; i++) body.Write(rest, 0, rest.Length);
            return body.ToArray();
        }

        private static WireNova GzipNova(byte[] body)
        {
            var nova = new WireNova();
            nova.Fault = async (request, exchange) =>
            {
                if (request.Path != "/v2.1/os-services") return false;
                await exchange.WriteAsync(200, body, "application/json", ("Content-Encoding", "gzip"));
                return true;
            };
            return nova;
        }

        [Fact]
        public async Task A_gzip_body_inflating_past_2_GB_is_ResponseTooLarge_even_under_a_4096_MB_limit()
        {
            var bomb = GzipBomb(2300L * 1024 * 1024);
            using var nova = GzipNova(bomb);
            using var connection = nova.ConnectStatic(configure: s => { s.MaximumResponseSizeMB = 4096; s.MaximumRetryCount = 0; s.TimeoutSec = 300; });
            using var backend = new NovaBackend(connection, new CollectingLog { IsDebugEnabled = false });

            var ex = await Record.ExceptionAsync(() => backend.ListAsync(ServiceQuery.All, None));
            GC.Collect();

            Assert.True(bomb.Length < 8 * 1024 * 1024, $"the bomb is {bomb.Length} bytes on the wire");
            var failure = Assert.IsType<ComputeServiceException>(ex);
            Assert.True(failure.ErrorId == ErrorIds.ResponseTooLarge, failure.ErrorId + ": " + failure.Message);
            Assert.Contains("the most one body can hold", failure.Message);
        }

        [Fact]
        public async Task A_gzip_body_is_capped_as_it_inflates()
        {
            using var nova = GzipNova(GzipBomb(200L * 1024 * 1024));
            using var connection = nova.ConnectStatic(configure: s => { s.MaximumResponseSizeMB = 2; s.MaximumRetryCount = 0; });
            using var backend = new NovaBackend(connection, new CollectingLog { IsDebugEnabled = false });
            await connection.ConnectAsync(None);

            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ListAsync(ServiceQuery.All, None));
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

            Assert.Equal(ErrorIds.ResponseTooLarge, ex.ErrorId);
            Assert.Contains("2 MB", ex.Message);
            Assert.True(allocated < 16L * 1024 * 1024, $"allocated {allocated / (1024 * 1024)} MB");
        }

        [Fact]
        public async Task A_gzip_body_that_does_not_decompress_is_InvalidResponse()
        {
            var garbage = new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xfe, 0xfd, 0xfc, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
            using var nova = GzipNova(garbage);
            using var connection = nova.ConnectStatic(configure: s => s.MaximumRetryCount = 0);
            using var backend = new NovaBackend(connection, new CollectingLog());

            var ex = await Record.ExceptionAsync(() => backend.ListAsync(ServiceQuery.All, None));

            var failure = Assert.IsType<ComputeServiceException>(ex);
            Assert.Equal(ErrorIds.InvalidResponse, failure.ErrorId);
            Assert.Equal(nova.ComputeUrl + "/os-services", failure.Target);
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
