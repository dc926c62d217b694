using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Inventory;
using Xunit;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>Group commit: many changes, one locked write per batch, nothing reported before it is durable.</summary>
    public sealed class GroupCommitTests
    {
        [Fact]
        public async Task ManyChangesAreOneWriteAndCompleteOnlyWhenWritten()
        {
            using var inventory = TempInventory.Sample();
            using var backend = new InventoryBackend(inventory.Path, () => TempInventory.Now);
            var computes = (await backend.ListAsync(new ServiceQuery(binary: ServiceBinaries.Compute), default)).ToList();
            var before = System.IO.File.ReadAllText(inventory.Path);
            backend.BeginGroupCommit(default);

            var work = computes.Select(s => backend.UpdateAsync(s, ServiceChange.Disable("batched"), default)).ToList();
            Assert.All(work, t => Assert.False(t.IsCompleted));
            Assert.Equal(before, System.IO.File.ReadAllText(inventory.Path));

            await backend.FlushAsync(default);
            var results = await Task.WhenAll(work);
            Assert.Equal(1, backend.GroupCommits);
            Assert.All(results, r => Assert.Equal("batched", r.DisabledReason));
            using var fresh = new InventoryBackend(inventory.Path, () => TempInventory.Now);
            Assert.All(await fresh.ListAsync(new ServiceQuery(binary: ServiceBinaries.Compute), default), s => Assert.Equal("batched", s.DisabledReason));
        }

        [Fact]
        public async Task ABatchClosesByItselfAfterItsDelay()
        {
            using var inventory = TempInventory.Sample();
            using var backend = new InventoryBackend(inventory.Path, () => TempInventory.Now);
            var one = (await backend.ListAsync(new ServiceQuery("compute-free-01"), default)).Single();
            backend.BeginGroupCommit(default);
            var work = backend.UpdateAsync(one, ServiceChange.Disable("timer"), default);
            Assert.True(await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(10))) == work, "the batch was never written");
            Assert.Equal("timer", (await work).DisabledReason);
        }

        [Fact]
        public async Task AChangeThatBreaksARuleFailsAloneAndTheOthersAreWritten()
        {
            using var inventory = TempInventory.Sample();
            using var backend = new InventoryBackend(inventory.Path, () => TempInventory.Now);
            var busy = (await backend.ListAsync(new ServiceQuery("compute-busy-01"), default)).Single();
            var free = (await backend.ListAsync(new ServiceQuery("compute-free-01"), default)).Single();
            backend.BeginGroupCommit(default);
            var refused = backend.DeleteAsync(busy, default);
            var deleted = backend.DeleteAsync(free, default);
            await backend.FlushAsync(default);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => refused);
            Assert.Equal(ErrorIds.ServiceHostingInstances, ex.ErrorId);
            await deleted;
            using var fresh = new InventoryBackend(inventory.Path, () => TempInventory.Now);
            var hosts = (await fresh.ListAsync(ServiceQuery.All, default)).Select(s => s.Host).ToList();
            Assert.Contains("compute-busy-01", hosts);
            Assert.DoesNotContain("compute-free-01", hosts);
        }

        [Fact]
        public async Task DisposingDropsWhatWasNeverWritten()
        {
            using var inventory = TempInventory.Sample();
            var before = System.IO.File.ReadAllText(inventory.Path);
            var backend = new InventoryBackend(inventory.Path, () => TempInventory.Now);
            var one = (await backend.ListAsync(new ServiceQuery("compute-free-01"), default)).Single();
            backend.BeginGroupCommit(default);
            var work = backend.UpdateAsync(one, ServiceChange.Disable("dropped"), default);
            backend.Dispose();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work);
            Thread.Sleep(400);
            Assert.Equal(before, System.IO.File.ReadAllText(inventory.Path));
        }
    }
}
