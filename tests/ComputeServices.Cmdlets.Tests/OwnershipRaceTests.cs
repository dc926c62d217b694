using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>
    /// Ownership decided under the lock (issue 18): two concurrent Disable -Owner runs on one inventory host, each in its
    /// own runspace and thread on the same file, must never both be told they hold it.
    /// </summary>
    public sealed class OwnershipRaceTests
    {
        [Fact]
        public void Two_concurrent_Disable_Owner_runs_are_never_both_told_they_hold_the_host()
        {
            using var inventory = new TempInventory();
            const int Rounds = 8;
            var bothWon = 0;
            for (var round = 0; round < Rounds; round++)
            {
                inventory.File.Update(d =>
                {
                    var s = d.Services.Single(x => x.Host == "compute-free-01" && x.Binary == "nova-compute");
                    s.Disabled = false;
                    s.DisabledReason = null;
                    return true;
                });
                using var start = new Barrier(2);
                var runs = new[] { "teamA", "teamB" }.Select(owner => Task.Run(() =>
                {
                    using var ps = CmdletHost.Create();
                    // Each run lists first (as a runbook would), then disables: the listing is what a check outside the lock would trust.
                    ps.AddScript("param($p, $o) $s = Get-ComputeService -InventoryPath $p -HostName compute-free-01 -Binary nova-compute; " +
                                 "$s | Disable-ComputeService -Owner $o -PassThru -WarningAction SilentlyContinue")
                        .AddArgument(inventory.FilePath).AddArgument(owner);
                    start.SignalAndWait();
                    return ps.Invoke().Count;
                })).ToArray();
                Task.WaitAll(runs);
                var told = runs.Sum(r => r.Result);
                if (told > 1) bothWon++;
                Assert.True(told >= 1, "neither run disabled the host");
                var holder = inventory.Service("compute-free-01").DisabledReason;
                Assert.True(holder == "[teamA]" || holder == "[teamB]", holder);
            }
            Assert.Equal(0, bothWon);
        }
    }
}

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>Against a cloud the owner check is made on the record read right before the PUT, not on the piped (stale) object.</summary>
    public sealed class CloudOwnershipTests
    {
        [Fact]
        public void Disable_Owner_skips_a_host_that_another_owner_disabled_after_it_was_listed()
        {
            using var nova = new StatefulNova();
            nova.With("compute-a").With("compute-b");
            using var ps = CmdletHost.Create();
            ps.AddScript("param($u) $c = Connect-ComputeService -Endpoint $u -Token (ConvertTo-SecureString 't' -AsPlainText -Force) -PassThru\n" +
                         "$listed = Get-ComputeService -Connection $c -Binary nova-compute\n" +
                         "$args[0].Invoke()\n" +
                         "$listed | Disable-ComputeService -Owner teamA -PassThru").AddArgument(nova.ComputeUrl)
                .AddArgument(new System.Action(() =>
                {
                    var b = nova.Of("compute-b");
                    b.Disabled = true;
                    b.Reason = "[teamB] maintenance";
                }));

            var output = ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal("compute-a", ((ComputeService)Assert.Single(output).BaseObject).Host);
            Assert.Equal("[teamB] maintenance", nova.Of("compute-b").Reason);
            Assert.Contains(CmdletHost.Messages(ps.Streams.Warning), m => m.Contains("owner 'teamB'") && m.Contains("-TakeOver"));
            Assert.DoesNotContain("compute-b", nova.PutHosts);
        }
    }
}
