using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>Stop() (Ctrl+C) while a mutation waits for the inventory's write lock.</summary>
    public sealed class CancellationTests
    {
        private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

        [Theory]
        [InlineData("Disable-ComputeService", 1)]
        [InlineData("Disable-ComputeService", 4)]
        [InlineData("Remove-ComputeService", 1)]
        public void StopEndsAWaitForTheLockPromptly(string cmdlet, int throttleLimit)
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddCommand(cmdlet).AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-free-01").AddParameter("ThrottleLimit", throttleLimit);
            if (cmdlet.StartsWith("Remove", StringComparison.Ordinal)) ps.AddParameter("Force");

            IAsyncResult running;
            using (new FileStream(inventory.File.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                running = ps.BeginInvoke();
                Thread.Sleep(500);
                Assert.False(running.IsCompleted, $"{cmdlet} did not wait for the held lock");

                var watch = Stopwatch.StartNew();
                var stop = Task.Run(() => ps.Stop());
                Assert.True(stop.Wait(Prompt), $"Stop() did not return within {Prompt.TotalSeconds} s while {cmdlet} waited for the lock");
                Assert.True(running.AsyncWaitHandle.WaitOne(Prompt), "the pipeline did not end after Stop()");
                Assert.True(watch.Elapsed < Prompt, $"stopping took {watch.Elapsed.TotalSeconds:0.0} s");
            }

            var ex = Assert.ThrowsAny<Exception>(() => ps.EndInvoke(running));
            Assert.IsType<PipelineStoppedException>(ex);
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            Assert.DoesNotContain(ps.Streams.Error, e => e.FullyQualifiedErrorId.StartsWith("InventoryLocked,", StringComparison.Ordinal));
            Assert.Equal(before, inventory.Text());
        }

        [Fact]
        public void AfterTheLockIsReleasedTheWaitingMutationGoesAhead()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-free-01").AddParameter("PassThru");

            IAsyncResult running;
            using (new FileStream(inventory.File.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                running = ps.BeginInvoke();
                Thread.Sleep(300);
                Assert.False(running.IsCompleted);
            }

            Assert.True(running.AsyncWaitHandle.WaitOne(Prompt));
            var output = ps.EndInvoke(running);
            Assert.Single(output);
            Assert.True(inventory.Service("compute-free-01").Disabled);
        }
    
        [Fact]
        public void AResolveFailureThatStopsTheCommandFirstAppliesAndReportsWhatCameBeforeIt()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            // compute-free-01 is resolved and its change queued (it waits for the held lock); the next name fails with
            // -ErrorAction Stop. Stop means: what came before the failure is applied and reported, then the command ends.
            ps.AddScript("param($p) 'compute-free-01', 'no-such-host' | ForEach-Object { [pscustomobject]@{ Host = $_ } } | " +
                         "Disable-ComputeService -InventoryPath $p -Reason late -ThrottleLimit 4 -PassThru -ErrorAction Stop")
                .AddArgument(inventory.FilePath);
            var output = new PSDataCollection<PSObject>();

            IAsyncResult running;
            using (new FileStream(inventory.File.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                running = ps.BeginInvoke<PSObject, PSObject>(null, output);
                Thread.Sleep(1000);
                Assert.False(running.IsCompleted, "the command stopped before the change ahead of the failure was applied");
            }

            Assert.True(running.AsyncWaitHandle.WaitOne(Prompt), "the command did not end after the lock was released");
            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.EndInvoke(running));
            Assert.StartsWith("ServiceNotFound,", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Equal("compute-free-01", ((ComputeService)Assert.Single(output).BaseObject).Host);
            Assert.Equal("late", inventory.Service("compute-free-01").DisabledReason);
        }
    }
}
