using System.IO;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    public sealed class ErrorRecordTests
    {
        private const string HostingInstancesId = "ServiceHostingInstances,ComputeServices.Commands.RemoveComputeServiceCommand";

        [Fact]
        public void CmdletTypesLoadOnTheSdkAutomationAssembly()
        {
            // The module is compiled against PowerShellStandard.Library; at run time the SDK's S.M.A must be the only one.
            var sma = typeof(PSCmdlet).Assembly;
            Assert.True(sma.GetName().Version!.Major >= 7, $"S.M.A {sma.GetName().Version} is not the SDK's");
            Assert.Single(System.AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "System.Management.Automation");
            Assert.Contains("Remove-ComputeService", CmdletHost.CmdletTypes.Keys);
            Assert.All(CmdletHost.CmdletTypes.Values, t => Assert.True(typeof(PSCmdlet).IsAssignableFrom(t)));

            using var ps = CmdletHost.Create();
            var names = ps.AddCommand("Get-Command").AddParameter("Noun", "ComputeService*").Invoke()
                .Select(o => ((CommandInfo)o.BaseObject).Name).ToList();
            Assert.Equal(CmdletHost.CmdletTypes.Keys.OrderBy(n => n), names.OrderBy(n => n));
        }

        [Fact]
        public void RemovingABusyServiceWritesOneShapedErrorRecord()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Remove-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-busy-01").AddParameter("Force");

            var output = ps.Invoke();

            Assert.Empty(output);
            Assert.True(ps.HadErrors);
            var error = Assert.Single(ps.Streams.Error);
            Assert.Equal(HostingInstancesId, error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceBusy, error.CategoryInfo.Category);
            var target = Assert.IsType<ComputeService>(error.TargetObject);
            Assert.Equal("compute-busy-01", target.Host);
            Assert.Equal(ServiceBinaries.Compute, target.Binary);
            Assert.NotNull(error.ErrorDetails);
            Assert.Contains("vm-busy1-a", error.ErrorDetails.RecommendedAction);
            Assert.IsType<ComputeServiceException>(error.Exception);
            Assert.True(inventory.Has("compute-busy-01"));
        }

        [Fact]
        public void ARefusedRemovalDoesNotStopThePipeline()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            // Sorted by host: the busy one comes first, then the free one must still be deleted.
            ps.AddScript("param($p) Get-ComputeService -InventoryPath $p -HostName compute-busy-01, compute-free-01 | " +
                         "Remove-ComputeService -InventoryPath $p -Force -PassThru")
                .AddArgument(inventory.FilePath);

            var output = ps.Invoke();

            var removed = Assert.Single(output);
            Assert.Equal("compute-free-01", ((ComputeService)removed.BaseObject).Host);
            var error = Assert.Single(ps.Streams.Error);
            Assert.Equal(HostingInstancesId, error.FullyQualifiedErrorId);
            Assert.True(inventory.Has("compute-busy-01"));
            Assert.False(inventory.Has("compute-free-01"));
            // A bulk run ends with a count of what failed.
            Assert.Contains(CmdletHost.Messages(ps.Streams.Warning), m => m.Contains("1 of 2 compute services failed to delete"));
        }

        [Fact]
        public void ErrorActionStopMakesAPerItemErrorTerminating()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Remove-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-busy-01").AddParameter("Force").AddParameter("ErrorAction", "Stop");

            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());

            Assert.Equal(HostingInstancesId, ex.ErrorRecord.FullyQualifiedErrorId);
        }

        [Fact]
        public void ACorruptInventoryIsATerminatingError()
        {
            using var inventory = new TempInventory();
            File.WriteAllText(inventory.FilePath, "{ \"schema_version\": 1, \"services\": [ oops");
            using var ps = CmdletHost.Create();
            ps.AddCommand("Get-ComputeService").AddParameter("InventoryPath", inventory.FilePath);

            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());

            Assert.StartsWith("InventoryCorrupt,", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidData, ex.ErrorRecord.CategoryInfo.Category);
            Assert.Equal(inventory.FilePath, ex.ErrorRecord.TargetObject);
            Assert.Equal("{ \"schema_version\": 1, \"services\": [ oops", File.ReadAllText(inventory.FilePath));
        }

        [Fact]
        public void ACorruptInventoryStopsAMutationBeforeTheSecondItem()
        {
            using var inventory = new TempInventory();
            File.WriteAllText(inventory.FilePath, "[]");
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-free-01", "compute-free-02" });

            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());

            Assert.StartsWith("InventoryCorrupt,", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Empty(ps.Streams.Error.Where(e => e.FullyQualifiedErrorId.StartsWith("InventoryCorrupt,")).Skip(1));
        }

        [Fact]
        public void AMissingServiceIsNonTerminating()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Get-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "no-such-host", "compute-free-01" });

            var output = ps.Invoke();

            Assert.True(ps.HadErrors);
            var error = Assert.Single(ps.Streams.Error);
            Assert.Equal("ServiceNotFound,ComputeServices.Commands.GetComputeServiceCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal("no-such-host", error.TargetObject);
            Assert.Equal("compute-free-01", ((ComputeService)Assert.Single(output).BaseObject).Host);
        }

        [Fact]
        public void AMissingIdOnAMutationIsNonTerminatingAndTheNextIdIsHandled()
        {
            using var inventory = new TempInventory();
            var missing = "00000000-0000-4000-8000-000000000000";
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("Id", new[] { missing, inventory.IdOf("compute-free-01") });

            ps.Invoke();

            var error = Assert.Single(ps.Streams.Error);
            Assert.Equal("ServiceNotFound,ComputeServices.Commands.DisableComputeServiceCommand", error.FullyQualifiedErrorId);
            Assert.Equal(missing, error.TargetObject?.ToString());
            Assert.True(inventory.Service("compute-free-01").Disabled);
        }
    }
}
