using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using ComputeServices.Tests.Faults;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>Issue 8 item 4 at the surface: a retry wait is visible while it happens, not only after the command ends.</summary>
    public class RetryVisibilityTests
    {
        [Fact]
        public void A_retry_and_its_Retry_After_show_in_Verbose_while_the_command_waits()
        {
            using var nova = new WireNova();
            var answered503 = 0;
            nova.Fault = async (request, exchange) =>
            {
                if (request.Method != "GET" || !request.Path.EndsWith("/os-services", StringComparison.Ordinal)) return false;
                if (Interlocked.Increment(ref answered503) > 1) return false;
                await exchange.RespondAsync(503, "{\"message\": \"busy\"}", "application/json", ("Retry-After", "3"));
                return true;
            };
            using var ps = CmdletHost.Create();
            ps.AddScript(@"param($url)
                $token = ConvertTo-SecureString 'static-admin-token' -AsPlainText -Force
                $c = Connect-ComputeService -Endpoint $url -Token $token -MaximumRetryCount 2 -PassThru
                Get-ComputeService -Connection $c -Verbose").AddArgument(nova.ComputeUrl);

            var clock = Stopwatch.StartNew();
            TimeSpan? retryShownAt = null;
            ps.Streams.Verbose.DataAdded += (sender, e) =>
            {
                var record = ((PSDataCollection<VerboseRecord>)sender!)[e.Index];
                if (retryShownAt == null && record.Message.Contains("retry 1")) retryShownAt = clock.Elapsed;
            };
            var running = ps.BeginInvoke();
            var output = ps.EndInvoke(running);
            var finishedAt = clock.Elapsed;

            Assert.Equal(2, output.Count);
            Assert.NotNull(retryShownAt);
            // Retry-After: 3 s. The line must come out when the wait starts, well before the command ends.
            Assert.True(finishedAt - retryShownAt!.Value > TimeSpan.FromSeconds(1.5),
                $"the retry line came out at {retryShownAt.Value.TotalSeconds:0.0} s, the command ended at {finishedAt.TotalSeconds:0.0} s");
        }
    }
}
