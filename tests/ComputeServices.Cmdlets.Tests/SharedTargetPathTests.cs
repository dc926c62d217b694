using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Tests.Faults;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>
    /// Every cmdlet reads its input through the one target path (issue 16), and Wait's -TimeoutSec is a deadline for the
    /// whole command, retries included.
    /// </summary>
    public sealed class SharedTargetPathTests
    {
        [Fact]
        public void A_blank_Id_piped_to_Wait_Registered_is_InvalidServiceId()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p) [pscustomobject]@{ Id = '  ' } | Wait-ComputeService -InventoryPath $p -Registered -TimeoutSec 2 -PollIntervalSec 1")
                .AddArgument(inventory.FilePath);

            var clock = Stopwatch.StartNew();
            ps.Invoke();

            Assert.StartsWith("InvalidServiceId,", Assert.Single(ps.Streams.Error).FullyQualifiedErrorId);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"Wait waited {clock.Elapsed.TotalSeconds:0.0} s for a row that names nothing");
        }

        [Fact]
        public void CSV_rows_piped_to_Get_name_services_as_they_do_for_the_mutators()
        {
            using var inventory = new TempInventory();
            var busyId = inventory.IdOf("compute-busy-01");
            using var ps = CmdletHost.Create();
            // An exported CSV: Id, Host, Binary and Source columns; one row names its service by Id, one by Host (blank Id).
            ps.AddScript(@"param($p, $id)
                $csv = @""
Id,Host,Binary,Source
$id,ignored-host,nova-compute,$p
,compute-free-01,nova-compute,$p
,compute-free-02,nova-compute,
""@
                $rows = $csv | ConvertFrom-Csv
                $rows | Get-ComputeService -InventoryPath $p
                $rows | Disable-ComputeService -InventoryPath $p -WhatIf").AddArgument(inventory.FilePath).AddArgument(busyId);

            var output = ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal(new[] { "compute-busy-01", "compute-free-01", "compute-free-02" },
                output.Select(o => ((ComputeService)o.BaseObject).Host));
        }

        [Fact]
        public void WhatIf_is_not_counted_as_handled_in_the_closing_summary()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-free-01", "compute-free-02", "no-such-host" })
                .AddParameter("WhatIf").AddParameter("Verbose");

            ps.Invoke();

            // One name failed, nothing was done: "1 of 3 failed" would count the -WhatIf ones as handled.
            Assert.DoesNotContain(CmdletHost.Messages(ps.Streams.Warning), m => m.Contains("of 3 compute services failed"));
            Assert.DoesNotContain(CmdletHost.Messages(ps.Streams.Verbose), m => m.Contains("compute services handled"));
            Assert.StartsWith("ServiceNotFound,", Assert.Single(ps.Streams.Error).FullyQualifiedErrorId);
        }

        [Fact]
        public void Wait_TimeoutSec_is_a_deadline_even_when_the_server_asks_for_a_longer_Retry_After()
        {
            using var nova = new WireNova();
            nova.Fault = async (request, exchange) =>
            {
                if (request.Method != "GET" || !request.Path.EndsWith("/os-services", StringComparison.Ordinal)) return false;
                await exchange.RespondAsync(503, "{\"message\": \"busy\"}", "application/json", ("Retry-After", "10"));
                return true;
            };
            using var ps = CmdletHost.Create();
            ps.AddScript(@"param($url)
                $c = Connect-ComputeService -Endpoint $url -Token (ConvertTo-SecureString 'static-admin-token' -AsPlainText -Force) -MaximumRetryCount 3 -PassThru
                Wait-ComputeService -Connection $c -HostName compute-1 -State down -TimeoutSec 5 -PollIntervalSec 1 -Verbose").AddArgument(nova.ComputeUrl);

            var clock = Stopwatch.StartNew();
            try { ps.Invoke(); } catch (RuntimeException) { }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(9), $"-TimeoutSec 5 ran {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Contains(CmdletHost.Messages(ps.Streams.Verbose), m => m.Contains("would end past the command's deadline"));
        }

        [Fact]
        public void Wait_retries_a_burst_of_503s_until_its_deadline_and_says_so()
        {
            using var nova = new WireNova();
            var answered503 = 0;
            nova.Fault = async (request, exchange) =>
            {
                // Three 503s in a row: retried after 1, 2 and 4 s, the fourth try is answered.
                if (request.Method != "GET" || !request.Path.EndsWith("/os-services", StringComparison.Ordinal)) return false;
                if (Interlocked.Increment(ref answered503) > 3) return false;
                await exchange.RespondAsync(503, "{\"message\": \"busy\"}", "application/json");
                return true;
            };
            using var ps = CmdletHost.Create();
            // -MaximumRetryCount 1: without the deadline the request gives up after one retry, about a second in.
            ps.AddScript(@"param($url)
                $c = Connect-ComputeService -Endpoint $url -Token (ConvertTo-SecureString 'static-admin-token' -AsPlainText -Force) -MaximumRetryCount 1 -PassThru
                Wait-ComputeService -Connection $c -HostName compute-1 -State up -TimeoutSec 60 -PassThru -Verbose").AddArgument(nova.ComputeUrl);

            var output = ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal("compute-1", ((ComputeService)Assert.Single(output).BaseObject).Host);
            Assert.Contains(CmdletHost.Messages(ps.Streams.Verbose), m => m.Contains("until the command's deadline"));
        }

        [Fact]
        public void Wait_for_up_on_a_forced_down_host_says_at_once_what_keeps_it_down()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Wait-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-forced-down").AddParameter("State", "up").AddParameter("TimeoutSec", 1);

            ps.Invoke();

            var warning = Assert.Single(CmdletHost.Messages(ps.Streams.Warning));
            Assert.Contains("forced down", warning);
            Assert.Contains("Set-ComputeServiceForcedDown -ForcedDown $false", warning);
            Assert.StartsWith("ServiceWaitTimeout,", Assert.Single(ps.Streams.Error).FullyQualifiedErrorId);
        }
    }
}
