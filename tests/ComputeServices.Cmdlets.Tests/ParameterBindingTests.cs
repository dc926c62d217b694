using System;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>Which parameter set a piped or positional value binds to, observed in process.</summary>
    public sealed class ParameterBindingTests
    {
        public static TheoryData<string> TargetCmdlets => new TheoryData<string>
        {
            "Enable-ComputeService", "Disable-ComputeService", "Set-ComputeServiceForcedDown",
            "Remove-ComputeService", "Test-ComputeServiceRemoval",
        };

        [Theory]
        [MemberData(nameof(TargetCmdlets))]
        public void TheDefaultParameterSetIsByInputObject(string name)
        {
            using var ps = CmdletHost.Create();
            var info = (CmdletInfo)ps.AddCommand("Get-Command").AddParameter("Name", name).Invoke().Single().BaseObject;

            Assert.Equal("ByInputObject", info.DefaultParameterSet);
            Assert.Equal(new[] { "ByHost", "ById", "ByInputObject" }, info.ParameterSets.Select(s => s.Name).OrderBy(n => n, StringComparer.Ordinal));
            var id = info.ParameterSets.Single(s => s.Name == "ById").Parameters.Single(p => p.Name == "Id");
            Assert.Equal(0, id.Position);
            Assert.True(id.ValueFromPipeline);
        }

        [Fact]
        public void PipedComputeServicesBindToInputObjectAndAreNotLookedUpAgain()
        {
            using var inventory = new TempInventory();
            // A ComputeService with a real id but a host the inventory does not know: only InputObject uses it as is.
            var piped = new ComputeService(inventory.IdOf("compute-free-01"), ServiceBinaries.Compute, "as-piped",
                null, ServiceStatus.Enabled, ServiceState.Up, false, null, DateTime.UtcNow);
            using var ps = CmdletHost.Create();
            ps.AddCommand("Remove-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("Force").AddParameter("Verbose");

            ps.Invoke(new[] { piped });

            Assert.Empty(ps.Streams.Error);
            Assert.Contains(CmdletHost.Messages(ps.Streams.Verbose), m => m.StartsWith("Deleting nova-compute@as-piped (", StringComparison.Ordinal));
            Assert.False(inventory.Has("compute-free-01"));
        }

        [Fact]
        public void PipedStringsBindToId()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath).AddParameter("PassThru");

            var output = ps.Invoke(new[] { inventory.IdOf("compute-free-01"), inventory.IdOf("compute-free-02") });

            Assert.Empty(ps.Streams.Error);
            Assert.Equal(new[] { "compute-free-01", "compute-free-02" }, output.Select(o => ((ComputeService)o.BaseObject).Host));
            Assert.True(inventory.Service("compute-free-01").Disabled);
            Assert.True(inventory.Service("compute-free-02").Disabled);
        }

        [Fact]
        public void PipedLegacyIntegerIdsBindToId()
        {
            using var inventory = new TempInventory();
            var legacy = inventory.Service("compute-free-02").Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath).AddParameter("PassThru");

            var output = ps.Invoke(new[] { legacy });

            Assert.Equal("compute-free-02", ((ComputeService)Assert.Single(output).BaseObject).Host);
        }

        [Fact]
        public void PipedRowsWithHostBindToHostName()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath).AddParameter("PassThru");

            var output = ps.Invoke(new[] { CmdletHost.Row(("Host", "compute-free-02")), CmdletHost.Row(("HostName", "compute-free-01")) });

            Assert.Empty(ps.Streams.Error);
            Assert.Equal(new[] { "compute-free-02", "compute-free-01" }, output.Select(o => ((ComputeService)o.BaseObject).Host));
        }

        [Fact]
        public void PipedRowsWithIdAndHostAreTakenByTheirId()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath).AddParameter("PassThru");

            var row = CmdletHost.Row(("Id", inventory.IdOf("compute-free-01")), ("Host", "compute-free-02"));
            var output = ps.Invoke(new[] { row });

            Assert.Empty(ps.Streams.Error);
            Assert.Equal("compute-free-01", ((ComputeService)Assert.Single(output).BaseObject).Host);
            Assert.True(inventory.Service("compute-free-01").Disabled);
            Assert.False(inventory.Service("compute-free-02").Disabled);
        }

        [Fact]
        public void PipedRowsWithHostAndBinaryUseTheBinary()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath).AddParameter("PassThru");

            var output = ps.Invoke(new[] { CmdletHost.Row(("Host", "controller-01"), ("Binary", "nova-scheduler")) });

            // Nova refuses to update anything but nova-compute, for the binary before it looks up the host: the row's binary was used.
            Assert.Empty(output);
            var error = Assert.Single(ps.Streams.Error);
            Assert.StartsWith("ServiceUpdateNotSupported,", error.FullyQualifiedErrorId);
            var target = Assert.IsType<ServiceRef>(error.TargetObject);
            Assert.Equal(("controller-01", "nova-scheduler"), (target.Host, target.Binary));
            Assert.False(inventory.Service("controller-01", "nova-scheduler").Disabled);
        }

        [Fact]
        public void IdIsPositional()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p, $id) Disable-ComputeService $id -InventoryPath $p -Reason maint -PassThru")
                .AddArgument(inventory.FilePath).AddArgument(inventory.IdOf("compute-free-01"));

            var output = ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            var service = (ComputeService)Assert.Single(output).BaseObject;
            Assert.Equal("compute-free-01", service.Host);
            Assert.Equal("maint", service.DisabledReason);
        }

        [Fact]
        public void GetComputeServiceOutputPipesIntoEveryTargetCmdlet()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p) Get-ComputeService -InventoryPath $p -HostName compute-busy-01 | Test-ComputeServiceRemoval -InventoryPath $p")
                .AddArgument(inventory.FilePath);

            var check = Assert.Single(ps.Invoke()).BaseObject;

            Assert.Empty(ps.Streams.Error);
            Assert.Equal("RemovalCheck", check.GetType().Name);
        }
    }
}
