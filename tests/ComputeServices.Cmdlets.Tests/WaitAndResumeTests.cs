using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Inventory;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>Wait-ComputeService and Resume-ComputeService on the inventory, with another writer playing the compute host.</summary>
    public sealed class WaitAndResumeTests
    {
        private static void Change(TempInventory inventory, Action<InventoryDocument> change)
            => inventory.File.Update(d => { change(d); return true; });

        private static ServiceRecord Compute(InventoryDocument d, string host) => d.Services.Single(s => s.Host == host && s.Binary == "nova-compute");

        private static Task Later(int milliseconds, Action action) => Task.Run(async () => { await Task.Delay(milliseconds); action(); });

        [Fact]
        public void WaitsUntilAnotherWriterBringsTheServiceUpAndPassesItThrough()
        {
            using var inventory = new TempInventory();
            // The sample's service_down_time is ten years: a heartbeat in 2005 is down.
            Change(inventory, d => Compute(d, "compute-free-01").LastSeenUp = new DateTime(2005, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            using var ps = CmdletHost.Create();
            ps.AddCommand("Wait-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-free-01", "compute-free-02" }).AddParameter("State", "up")
                .AddParameter("PollIntervalSec", 1).AddParameter("TimeoutSec", 30).AddParameter("PassThru");

            var heartbeat = Later(1500, () => Change(inventory, d => Compute(d, "compute-free-01").LastSeenUp = DateTime.UtcNow));
            var output = ps.Invoke();
            heartbeat.Wait();

            Assert.Empty(ps.Streams.Error);
            // compute-free-02 was up at once and comes out first; compute-free-01 when its heartbeat arrived.
            Assert.Equal(new[] { "compute-free-02", "compute-free-01" }, output.Select(o => ((ComputeService)o.BaseObject).Host));
            Assert.All(output, o => Assert.Equal("up", ((ComputeService)o.BaseObject).State));
            Assert.Contains(ps.Streams.Progress, p => p.StatusDescription.Contains("compute-free-01") && p.RecordType == ProgressRecordType.Processing);
        }

        [Fact]
        public void ATimeoutIsAPerItemErrorWithTheLastSeenState()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Wait-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-down-01", "compute-free-01" }).AddParameter("State", "down")
                .AddParameter("ForcedDown", false).AddParameter("TimeoutSec", 1).AddParameter("PollIntervalSec", 1).AddParameter("PassThru");

            var output = ps.Invoke();

            Assert.Equal("compute-down-01", ((ComputeService)Assert.Single(output).BaseObject).Host);
            var error = Assert.Single(ps.Streams.Error);
            Assert.StartsWith("ServiceWaitTimeout,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
            Assert.Contains("compute-free-01", error.ErrorDetails.Message);
            Assert.Contains("last seen: state up, status enabled, forced_down false", error.ErrorDetails.Message);
        }

        [Fact]
        public void RegisteredWaitsForAHostThatDoesNotExistYet()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Wait-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-new-01").AddParameter("Registered")
                .AddParameter("PollIntervalSec", 1).AddParameter("TimeoutSec", 30).AddParameter("PassThru");

            var deploy = Later(1200, () => Change(inventory, d => d.Services.Add(new ServiceRecord
            {
                Id = 99, Uuid = "9f0e2c4a-0000-4000-8000-000000000099", Binary = "nova-compute", Host = "compute-new-01",
                LastSeenUp = DateTime.UtcNow, CreatedAt = DateTime.UtcNow,
            })));
            var output = ps.Invoke();
            deploy.Wait();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal("compute-new-01", ((ComputeService)Assert.Single(output).BaseObject).Host);
        }

        [Fact]
        public void ANameThatDoesNotExistFailsAtOnceWithoutRegistered()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Wait-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-nope").AddParameter("State", "up").AddParameter("TimeoutSec", 60);

            var watch = Stopwatch.StartNew();
            ps.Invoke();

            Assert.StartsWith("ServiceNotFound,", Assert.Single(ps.Streams.Error).FullyQualifiedErrorId);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
        }

        [Fact]
        public void WithoutAConditionItIsAUsageError()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Wait-ComputeService").AddParameter("InventoryPath", inventory.FilePath).AddParameter("HostName", "compute-free-01");

            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());

            Assert.StartsWith("MissingWaitCondition,", ex.ErrorRecord.FullyQualifiedErrorId);
        }

        [Fact]
        public void StopEndsAWaitAtOnce()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Wait-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-down-01").AddParameter("State", "up").AddParameter("PollIntervalSec", 600).AddParameter("TimeoutSec", 3600);

            var running = ps.BeginInvoke();
            Thread.Sleep(1000);
            Assert.False(running.IsCompleted);
            var watch = Stopwatch.StartNew();
            ps.Stop();

            Assert.True(running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5)));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {watch.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        }

        [Fact]
        public void ResumeWaitsForTheEvacuationsThenClearsForcedDownWaitsUntilUpAndEnablesTheOwnersDisable()
        {
            using var inventory = new TempInventory();
            Change(inventory, d =>
            {
                Compute(d, "compute-evacuated").Disabled = true;
                Compute(d, "compute-evacuated").DisabledReason = "[fencing] PSU (INC7)";
            });
            using var ps = CmdletHost.Create();
            ps.AddCommand("Resume-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-evacuated").AddParameter("Owner", "fencing").AddParameter("Confirm", false)
                .AddParameter("PollIntervalSec", 1).AddParameter("TimeoutSec", 30).AddParameter("PassThru").AddParameter("Verbose");

            // What nova-compute does when it starts again: its 'done' evacuations complete, then it reports in.
            var restart = Later(1500, () => Change(inventory, d =>
            {
                foreach (var m in d.Migrations.Where(m => m.SourceCompute == "compute-evacuated" && m.Status == "done")) m.Status = "completed";
                Compute(d, "compute-evacuated").LastSeenUp = DateTime.UtcNow;
            }));
            var output = ps.Invoke();
            restart.Wait();

            Assert.Empty(ps.Streams.Error);
            var service = (ComputeService)Assert.Single(output).BaseObject;
            Assert.Equal(("up", "enabled", (bool?)false), (service.State, service.Status, service.ForcedDown));
            var record = inventory.Service("compute-evacuated");
            Assert.False(record.ForcedDown);
            Assert.False(record.Disabled);
            var steps = CmdletHost.Messages(ps.Streams.Verbose).Where(m => m.Contains(": step ")).ToList();
            Assert.Equal(4, steps.Count);
            Assert.Contains("'done' evacuation", steps[0]);
            Assert.Contains("clearing forced_down", steps[1]);
            Assert.Contains("reports up", steps[2]);
            Assert.Contains("enabling", steps[3]);
        }

        [Fact]
        public void ResumeWithoutOwnerStopsAtTheDisableAndSaysSo()
        {
            using var inventory = new TempInventory();
            Change(inventory, d =>
            {
                foreach (var m in d.Migrations.Where(m => m.SourceCompute == "compute-evacuated")) m.Status = "completed";
                Compute(d, "compute-evacuated").Disabled = true;
                Compute(d, "compute-evacuated").DisabledReason = "[fencing] PSU";
                Compute(d, "compute-evacuated").LastSeenUp = DateTime.UtcNow;
            });
            using var ps = CmdletHost.Create();
            ps.AddCommand("Resume-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-evacuated").AddParameter("Confirm", false).AddParameter("TimeoutSec", 10);

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.False(inventory.Service("compute-evacuated").ForcedDown);
            Assert.True(inventory.Service("compute-evacuated").Disabled);
            Assert.Contains(CmdletHost.Messages(ps.Streams.Warning), m => m.Contains("still disabled") && m.Contains("owner 'fencing'"));
        }

        [Fact]
        public void AResumeTimeoutNamesTheStepAndLeavesTheHostAsItWas()
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Resume-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-evacuated", "compute-free-01" }).AddParameter("Confirm", false)
                .AddParameter("TimeoutSec", 1).AddParameter("PollIntervalSec", 1).AddParameter("PassThru");

            var output = ps.Invoke();

            var error = Assert.Single(ps.Streams.Error);
            Assert.StartsWith("ServiceWaitTimeout,", error.FullyQualifiedErrorId);
            Assert.Contains("at step 'evacuations'", error.ErrorDetails.Message);
            Assert.Contains("1 'done' evacuation(s) remain", error.ErrorDetails.Message);
            Assert.True(inventory.Service("compute-evacuated").ForcedDown);
            // The next host is still resumed: compute-free-01 is up and enabled, so there is nothing to change.
            Assert.Equal("compute-free-01", ((ComputeService)Assert.Single(output).BaseObject).Host);
            Assert.Equal(before, inventory.Text());
        }

        [Fact]
        public void ResumeWhatIfChangesNothing()
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Resume-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-evacuated").AddParameter("WhatIf").AddParameter("TimeoutSec", 1);

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal(before, inventory.Text());
        }
    }
}
