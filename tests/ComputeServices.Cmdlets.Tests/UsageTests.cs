using System;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>Pipelines that mix kinds of input, and usage errors that must stop before anything changes.</summary>
    public sealed class UsageTests
    {
        [Fact]
        public void APipedIdDoesNotStickToTheNextRow()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath).AddParameter("PassThru");

            var output = ps.Invoke(new[]
            {
                CmdletHost.Row(("Id", inventory.IdOf("compute-free-01")), ("Host", "compute-busy-01")),
                CmdletHost.Row(("Host", "compute-free-02")),
            });

            Assert.Empty(ps.Streams.Error);
            Assert.Equal(new[] { "compute-free-01", "compute-free-02" }, output.Select(o => ((ComputeService)o.BaseObject).Host));
            Assert.False(inventory.Service("compute-busy-01").Disabled);
        }

        [Fact]
        public void APipedBinaryDoesNotStickToTheNextRow()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Test-ComputeServiceRemoval").AddParameter("InventoryPath", inventory.FilePath);

            var output = ps.Invoke(new[]
            {
                CmdletHost.Row(("Host", "controller-01"), ("Binary", "nova-conductor")),
                CmdletHost.Row(("Host", "compute-free-02")),
            });

            Assert.Empty(ps.Streams.Error);
            var binaries = output.Select(o => ((ComputeService)o.Properties["Service"].Value).Binary).ToArray();
            Assert.Equal(new[] { "nova-conductor", ServiceBinaries.Compute }, binaries);
        }

        [Fact]
        public void OnePipelineMayMixServicesIdsAndRows()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p, $id) @((Get-ComputeService -InventoryPath $p -HostName compute-free-01), $id, [pscustomobject]@{ Host = 'compute-live-dst' }) | " +
                         "Disable-ComputeService -InventoryPath $p -PassThru")
                .AddArgument(inventory.FilePath).AddArgument(inventory.IdOf("compute-free-02"));

            var output = ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal(new[] { "compute-free-01", "compute-free-02", "compute-live-dst" }, output.Select(o => ((ComputeService)o.BaseObject).Host));
        }

        [Fact]
        public void GetComputeServiceTakesPipedIds()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Get-ComputeService").AddParameter("InventoryPath", inventory.FilePath);

            var output = ps.Invoke(new[] { inventory.IdOf("compute-free-02"), inventory.IdOf("compute-free-01") });

            Assert.Empty(ps.Streams.Error);
            Assert.Equal(new[] { "compute-free-02", "compute-free-01" }, output.Select(o => ((ComputeService)o.BaseObject).Host));
        }

        [Fact]
        public void TwoBackendsAtOnceIsATerminatingUsageError()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Get-ComputeService").AddParameter("InventoryPath", inventory.FilePath).AddParameter("Cloud", "nowhere");

            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());

            Assert.Equal("ConflictingBackendParameters,ComputeServices.Commands.GetComputeServiceCommand", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, ex.ErrorRecord.CategoryInfo.Category);
        }

        [Fact]
        public void AReasonWithoutDisableStopsSetForcedDownBeforeAnyChange()
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Set-ComputeServiceForcedDown").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-free-01").AddParameter("ForcedDown", true).AddParameter("Reason", "fenced");

            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());

            Assert.StartsWith("InvalidServiceUpdate,", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Equal(before, inventory.Text());
        }

        [Fact]
        public void ATooLongReasonStopsDisableBeforeAnyChange()
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-free-01", "compute-free-02" }).AddParameter("Reason", new string('x', 256));

            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());

            Assert.EndsWith(",ComputeServices.Commands.DisableComputeServiceCommand", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, ex.ErrorRecord.CategoryInfo.Category);
            Assert.Equal(before, inventory.Text());
        }

        [Fact]
        public void UpdatingANonComputeServiceIsRefusedPerItem()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p) Get-ComputeService -InventoryPath $p -HostName controller-01 -Binary nova-scheduler, nova-conductor | " +
                         "Disable-ComputeService -InventoryPath $p")
                .AddArgument(inventory.FilePath);

            ps.Invoke();

            Assert.Equal(2, ps.Streams.Error.Count);
            Assert.All(ps.Streams.Error, e => Assert.Equal(ErrorCategory.InvalidOperation, e.CategoryInfo.Category));
            Assert.Contains(CmdletHost.Messages(ps.Streams.Warning), m => m.Contains("2 of 2"));
        }
    }
}
