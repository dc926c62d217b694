using System;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>Disable -Owner / -TakeOver and Enable -IfOwner on the inventory: whose disable it is.</summary>
    public sealed class OwnershipTests
    {
        private static void SetReason(TempInventory inventory, string host, string? reason, bool disabled = true)
            => inventory.File.Update(d =>
            {
                var s = d.Services.Single(x => x.Host == host && x.Binary == "nova-compute");
                s.Disabled = disabled;
                s.DisabledReason = reason;
                return true;
            });

        [Fact]
        public void DisableWithOwnerWritesTheDocumentedReasonThatGetParses()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p) Disable-ComputeService -InventoryPath $p -HostName compute-free-01 -Owner patching -Reason 'kernel upgrade' -Ticket CHG123; " +
                         "Get-ComputeService -InventoryPath $p -HostName compute-free-01").AddArgument(inventory.FilePath);

            var service = (ComputeService)Assert.Single(ps.Invoke()).BaseObject;

            Assert.Empty(ps.Streams.Error);
            Assert.Equal("[patching] kernel upgrade (CHG123)", inventory.Service("compute-free-01").DisabledReason);
            Assert.Equal("patching", service.DisabledBy);
            Assert.Equal("CHG123", service.Ticket);
            Assert.Null(service.ManagedBy);
        }

        [Theory]
        [InlineData("hardware failure: PSU", "an unknown holder (reason 'hardware failure: PSU')")]
        [InlineData("AUTO: Connection to libvirt lost: 1", "nova-compute")]
        [InlineData("instanceha evacuation: 2024-01-01T00:00:00", "instanceha")]
        [InlineData("[ops] PSU swap (INC9)", "owner 'ops' (ticket INC9)")]
        public void DisableWithOwnerSkipsAnotherHoldersDisableAndNamesTheHolder(string reason, string holder)
        {
            using var inventory = new TempInventory();
            SetReason(inventory, "compute-free-01", reason);
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-free-01", "compute-free-02" }).AddParameter("Owner", "patching").AddParameter("PassThru");

            var output = ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal("compute-free-02", ((ComputeService)Assert.Single(output).BaseObject).Host);
            Assert.Equal(reason, inventory.Service("compute-free-01").DisabledReason);
            var warning = Assert.Single(CmdletHost.Messages(ps.Streams.Warning), m => m.StartsWith("Skipped", StringComparison.Ordinal));
            Assert.Contains(holder, warning);
            Assert.Contains("-TakeOver", warning);
        }

        [Fact]
        public void TakeOverOverwritesAndTheOwnersOwnDisableIsRewritten()
        {
            using var inventory = new TempInventory();
            SetReason(inventory, "compute-free-02", "[patching] old text (CHG1)");
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p) Disable-ComputeService -InventoryPath $p -HostName compute-down-01 -Owner patching -TakeOver -Ticket CHG2; " +
                         "Disable-ComputeService -InventoryPath $p -HostName compute-free-02 -Owner PATCHING -Reason 'new text'").AddArgument(inventory.FilePath);

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Empty(ps.Streams.Warning);
            Assert.Equal("[patching] (CHG2)", inventory.Service("compute-down-01").DisabledReason);
            Assert.Equal("[PATCHING] new text", inventory.Service("compute-free-02").DisabledReason);
        }

        [Fact]
        public void WithoutOwnerDisableOverwritesAsBefore()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-down-01").AddParameter("Reason", "mine now");

            ps.Invoke();

            Assert.Empty(ps.Streams.Warning);
            Assert.Equal("mine now", inventory.Service("compute-down-01").DisabledReason);
        }

        [Theory]
        [InlineData("Ticket")]
        [InlineData("TakeOver")]
        public void TicketAndTakeOverNeedOwner(string parameter)
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath).AddParameter("HostName", "compute-free-01");
            if (parameter == "Ticket") ps.AddParameter("Ticket", "CHG1"); else ps.AddParameter("TakeOver");

            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());

            Assert.StartsWith("InvalidServiceUpdate,", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Equal(before, inventory.Text());
        }

        [Fact]
        public void AnOwnerThatCannotBeReadBackStopsBeforeAnything()
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-free-01").AddParameter("Owner", "two words");

            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());

            Assert.StartsWith("InvalidServiceUpdate,", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Equal(before, inventory.Text());
        }

        [Fact]
        public void EnableIfOwnerEnablesOnlyThatOwnersAndWarnsForTheOthers()
        {
            using var inventory = new TempInventory();
            SetReason(inventory, "compute-free-01", "[patching] kernel (CHG1)");
            SetReason(inventory, "compute-free-02", "AUTO: Connection to libvirt lost: 1");
            SetReason(inventory, "compute-busy-01", "[ops] PSU");
            using var ps = CmdletHost.Create();
            ps.AddCommand("Enable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-free-01", "compute-free-02", "compute-busy-01", "compute-down-01", "compute-live-dst" })
                .AddParameter("IfOwner", "patching").AddParameter("PassThru");

            var output = ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal(new[] { "compute-free-01" }, output.Select(o => ((ComputeService)o.BaseObject).Host));
            Assert.False(inventory.Service("compute-free-01").Disabled);
            Assert.True(inventory.Service("compute-free-02").Disabled);
            Assert.True(inventory.Service("compute-busy-01").Disabled);
            Assert.True(inventory.Service("compute-down-01").Disabled);
            var warnings = CmdletHost.Messages(ps.Streams.Warning).Where(m => m.StartsWith("Skipped", StringComparison.Ordinal)).ToList();
            Assert.Equal(3, warnings.Count);
            Assert.Contains(warnings, w => w.Contains("compute-free-02") && w.Contains("nova-compute (reason 'AUTO: "));
            Assert.Contains(warnings, w => w.Contains("compute-busy-01") && w.Contains("owner 'ops'"));
            Assert.Contains(warnings, w => w.Contains("compute-down-01") && w.Contains("hardware failure: PSU"));
        }

        [Fact]
        public void EnableIfOwnerDecidesOnTheCurrentReasonNotThePipedOne()
        {
            using var inventory = new TempInventory();
            SetReason(inventory, "compute-free-01", "[patching] kernel");
            using var ps = CmdletHost.Create();
            ps.AddCommand("Get-ComputeService").AddParameter("InventoryPath", inventory.FilePath).AddParameter("HostName", "compute-free-01");
            var piped = (ComputeService)Assert.Single(ps.Invoke()).BaseObject;
            Assert.Equal("patching", piped.DisabledBy);
            // By the time Enable runs, someone else holds the disable; the piped object still says "patching".
            SetReason(inventory, "compute-free-01", "AUTO: lost");
            ps.Commands.Clear();
            ps.AddCommand("Enable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("InputObject", new[] { piped }).AddParameter("IfOwner", "patching");

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.True(inventory.Service("compute-free-01").Disabled);
            Assert.Equal("AUTO: lost", inventory.Service("compute-free-01").DisabledReason);
            Assert.Contains(CmdletHost.Messages(ps.Streams.Warning), m => m.Contains("nova-compute (reason 'AUTO: lost')"));
        }

        [Fact]
        public void EnableWithoutIfOwnerEnablesAsBefore()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Enable-ComputeService").AddParameter("InventoryPath", inventory.FilePath).AddParameter("HostName", "compute-down-01");

            ps.Invoke();

            Assert.Empty(ps.Streams.Warning);
            Assert.False(inventory.Service("compute-down-01").Disabled);
        }
    }
}
