using System.Linq;
using System.Management.Automation;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>What the cmdlets write to the verbose and progress streams.</summary>
    public sealed class StreamTests
    {
        [Fact]
        public void VerboseNamesTheInventoryInUse()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Get-ComputeService").AddParameter("InventoryPath", inventory.FilePath).AddParameter("Verbose");

            var output = ps.Invoke();

            Assert.NotEmpty(output);
            Assert.Contains(CmdletHost.Messages(ps.Streams.Verbose), m => m.Contains("Using the local inventory") && m.Contains(inventory.FilePath));
        }

        [Fact]
        public void WithoutVerboseTheVerboseStreamIsEmpty()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Get-ComputeService").AddParameter("InventoryPath", inventory.FilePath);

            ps.Invoke();

            Assert.Empty(ps.Streams.Verbose);
        }

        [Fact]
        public void ThreeHostsShowProgressThatEndsCompleted()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-free-01", "compute-free-02", "compute-live-dst" });

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            var progress = ps.Streams.Progress.ToList();
            Assert.True(progress.Count >= 2, $"{progress.Count} progress records");
            Assert.Equal(ProgressRecordType.Completed, progress.Last().RecordType);
            Assert.All(progress.Take(progress.Count - 1), p => Assert.Equal(ProgressRecordType.Processing, p.RecordType));
            Assert.Single(progress.Select(p => p.ActivityId).Distinct());
            Assert.Contains(progress, p => p.StatusDescription.Contains("of 3"));
        }

        [Fact]
        public void ThreePipedServicesShowProgressThatEndsCompleted()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p) Get-ComputeService -InventoryPath $p -HostName compute-free-01, compute-free-02, compute-live-dst | " +
                         "Disable-ComputeService -InventoryPath $p")
                .AddArgument(inventory.FilePath);

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.NotEmpty(ps.Streams.Progress);
            Assert.Equal(ProgressRecordType.Completed, ps.Streams.Progress.Last().RecordType);
        }

        [Fact]
        public void OneHostShowsNoProgress()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-free-01");

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Empty(ps.Streams.Progress);
            Assert.True(inventory.Service("compute-free-01").Disabled);
        }
    }
}
