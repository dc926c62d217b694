using System;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>-MaxCount on the mutating cmdlets and the fleet check of Set-ComputeServiceForcedDown $true and Remove.</summary>
    public sealed class BlastRadiusTests
    {
        private static readonly string[] Three = { "compute-free-01", "compute-free-02", "compute-live-dst" };

        // The sample has 9 computes, 3 of them down; two more make 5 of 9. Its service_down_time is ten years.
        private static void MakeFleetMostlyDown(TempInventory inventory)
            => inventory.File.Update(d =>
            {
                foreach (var host in new[] { "compute-busy-01", "compute-busy-02" })
                    d.Services.Single(s => s.Host == host && s.Binary == "nova-compute").LastSeenUp = new DateTime(2005, 1, 1, 0, 0, 0, DateTimeKind.Utc);
                return true;
            });

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        public void TheServiceAfterMaxCountStopsTheRunAndSaysHowManyWereDone(int throttleLimit)
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", Three).AddParameter("MaxCount", 2).AddParameter("ThrottleLimit", throttleLimit).AddParameter("PassThru");

            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());

            Assert.StartsWith("TooManyTargets,", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Contains("2 compute service(s) were done", ex.ErrorRecord.ErrorDetails.Message);
            Assert.Contains("compute-live-dst", ex.ErrorRecord.ErrorDetails.Message);
            Assert.True(inventory.Service("compute-free-01").Disabled);
            Assert.True(inventory.Service("compute-free-02").Disabled);
            Assert.False(inventory.Service("compute-live-dst").Disabled);
        }

        [Fact]
        public void MaxCountIsEnoughWhenNoMoreAreChanged()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Enable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-down-01", "compute-forced-down" }).AddParameter("MaxCount", 2);

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.False(inventory.Service("compute-forced-down").Disabled);
        }

        [Fact]
        public void WhatIfCountsNothing()
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", Three).AddParameter("MaxCount", 1).AddParameter("WhatIf");

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal(before, inventory.Text());
        }

        [Fact]
        public void SkippedServicesCountNothing()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            // compute-down-01 is someone else's disable: skipped before ShouldProcess, so -MaxCount 1 still allows compute-free-01.
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-down-01", "compute-free-01" }).AddParameter("Owner", "patching").AddParameter("MaxCount", 1);

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal("[patching]", inventory.Service("compute-free-01").DisabledReason);
        }

        [Theory]
        [InlineData("Set-ComputeServiceForcedDown")]
        [InlineData("Remove-ComputeService")]
        public void AMostlyDownFleetRefusesForceDownAndRemove(string cmdlet)
        {
            using var inventory = new TempInventory();
            MakeFleetMostlyDown(inventory);
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddCommand(cmdlet).AddParameter("InventoryPath", inventory.FilePath).AddParameter("HostName", "compute-free-01");
            // -Force keeps its meaning (no prompt) and does not skip the fleet check.
            if (cmdlet.StartsWith("Remove", StringComparison.Ordinal)) ps.AddParameter("Force");
            else ps.AddParameter("ForcedDown", true).AddParameter("Confirm", false);

            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());

            Assert.StartsWith("FleetMostlyDown,", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Contains("5 of 9", ex.ErrorRecord.ErrorDetails.Message);
            Assert.Contains("-SkipFleetCheck", ex.ErrorRecord.ErrorDetails.RecommendedAction);
            Assert.Equal(before, inventory.Text());
        }

        [Theory]
        [InlineData("Set-ComputeServiceForcedDown", "-ForcedDown $true -SkipFleetCheck")]
        [InlineData("Remove-ComputeService", "-Force -SkipFleetCheck")]
        public void SkipFleetCheckOverridesTheGuard(string cmdlet, string extra)
        {
            using var inventory = new TempInventory();
            MakeFleetMostlyDown(inventory);
            using var ps = CmdletHost.Create();
            ps.AddScript($"param($p) {cmdlet} -InventoryPath $p -HostName compute-free-01 {extra}").AddArgument(inventory.FilePath);

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.True(cmdlet.StartsWith("Remove", StringComparison.Ordinal) ? !inventory.Has("compute-free-01") : inventory.Service("compute-free-01").ForcedDown);
        }

        [Theory]
        [InlineData("Set-ComputeServiceForcedDown -ForcedDown $false")]
        [InlineData("Disable-ComputeService")]
        [InlineData("Set-ComputeServiceForcedDown -ForcedDown $true -WhatIf")]
        public void OnlyForcingDownAndRemovingAreGuarded(string command)
        {
            using var inventory = new TempInventory();
            MakeFleetMostlyDown(inventory);
            using var ps = CmdletHost.Create();
            ps.AddScript($"param($p) {command} -InventoryPath $p -HostName compute-free-01").AddArgument(inventory.FilePath);

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
        }

        [Fact]
        public void TheFleetIsCheckedOncePerInvocation()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Set-ComputeServiceForcedDown").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-free-01", "compute-free-02", "compute-live-dst" })
                .AddParameter("ForcedDown", true).AddParameter("Verbose");

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            // 3 of 9 down at the start; after the first two the fleet would be 5 of 9 down, but the check is not repeated.
            Assert.Single(CmdletHost.Messages(ps.Streams.Verbose), m => m.StartsWith("Fleet check:", StringComparison.Ordinal));
            Assert.True(inventory.Service("compute-live-dst").ForcedDown);
        }
    }
}
