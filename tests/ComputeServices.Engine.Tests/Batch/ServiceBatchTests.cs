using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Batch;
using ComputeServices.Inventory;
using ComputeServices.Rules;
using ComputeServices.Tests.Inventory;
using Xunit;

namespace ComputeServices.Tests.Batch
{
    /// <summary>The engine's batch, without PowerShell: order, throttling, group commit, -MaxCount, stop and interrupt.</summary>
    public sealed class ServiceBatchTests
    {
        private static async Task<List<BatchResult>> DrainAsync(ServiceBatch batch)
        {
            var results = new List<BatchResult>();
            await batch.FlushAsync(default);
            while (batch.HasPending) results.Add((await batch.NextAsync(default))!);
            return results;
        }

        private static ComputeService Svc(string host) => new ComputeService(Guid.NewGuid().ToString(), "nova-compute", host, "nova", "enabled", "up", false, null, null);

        [Fact]
        public async Task Results_come_out_in_input_order_whatever_order_concurrent_work_finishes_in()
        {
            using var inventory = TempInventory.Sample();
            using var backend = new NotGroupCommitting(inventory.Backend());
            var batch = new ServiceBatch(new BatchOptions { ThrottleLimit = 8 }, default);
            var hosts = Enumerable.Range(1, 8).Select(i => $"h{i}").ToList();
            foreach (var (host, i) in hosts.Select((h, i) => (h, i)))
                batch.Start(backend, Svc(host), async (_, s, token) =>
                {
                    await Task.Delay((8 - i) * 30, token);   // the first finishes last
                    return s;
                });
            batch.Fail("bad-name", new ComputeServiceException(ErrorIds.ServiceNotFound, FailureKind.NotFound, "no"));

            var results = await DrainAsync(batch);

            Assert.Equal(hosts, results.Take(8).Select(r => r.Service!.Host));
            Assert.Equal(BatchOutcome.Failed, results[8].Outcome);
            Assert.Equal((9, 8, 8, 1), (batch.Handled, batch.Sent, batch.Succeeded, batch.Failed));
        }

        [Fact]
        public async Task Stop_on_error_in_a_group_commit_applies_what_came_before_and_nothing_after()
        {
            using var inventory = TempInventory.Sample();
            using var backend = inventory.Backend();
            var listed = await backend.ListAsync(ServiceQuery.All, default);
            var items = listed.Where(s => s.Binary == "nova-compute").Take(5).ToList();
            items.Insert(2, listed.First(s => s.Binary == "nova-scheduler"));   // item 3 fails when the group commits
            var batch = new ServiceBatch(new BatchOptions { StopOnError = true }, default);
            foreach (var s in items)
                batch.Start(backend, s, async (b, svc, token) => await b.UpdateAsync(svc, ServiceChange.Disable("stop"), token));

            var results = await DrainAsync(batch);

            Assert.Equal(new[] { BatchOutcome.Done, BatchOutcome.Done, BatchOutcome.Failed, BatchOutcome.NotApplied, BatchOutcome.NotApplied, BatchOutcome.NotApplied },
                results.Select(r => r.Outcome));
            var after = inventory.Read().Services;
            Assert.All(items.Take(2), s => Assert.Equal("stop", after.Single(r => r.Uuid == s.Id).DisabledReason));
            Assert.All(items.Skip(3), s => Assert.NotEqual("stop", after.Single(r => r.Uuid == s.Id).DisabledReason));
        }

        [Fact]
        public async Task A_change_skipped_by_its_owner_check_is_reported_as_skipped_and_counts_nothing_toward_MaxCount()
        {
            using var inventory = TempInventory.Sample();
            using var backend = inventory.Backend();
            var free = await backend.ResolveAsync(ServiceRef.ByHost("compute-free-01"), default);
            await backend.UpdateAsync(free, ServiceChange.Disable("[teamB]"), default);
            var batch = new ServiceBatch(new BatchOptions { MaxCount = 1 }, default);
            batch.Start(backend, free, async (b, s, token) => await b.UpdateAsync(s, ServiceChange.Disable("[teamA]").When(OwnershipCheck.DisableAs("teamA")), token));
            Assert.True(batch.WouldExceedMaxCount);   // not known to be skipped until it completes

            var result = Assert.Single(await DrainAsync(batch));

            Assert.Equal(BatchOutcome.Skipped, result.Outcome);
            Assert.False(batch.WouldExceedMaxCount);
            Assert.Equal("[teamB]", inventory.Read().Services.Single(s => s.Uuid == free.Id).DisabledReason);
        }

        [Fact]
        public async Task The_fleet_check_runs_once_per_place_and_only_when_asked()
        {
            using var inventory = TempInventory.Sample();
            using var backend = inventory.Backend();
            var batch = new ServiceBatch(new BatchOptions { FleetCheckAction = "delete compute services" }, default);
            Assert.NotNull(await batch.CheckFleetAsync(backend, default));
            Assert.Null(await batch.CheckFleetAsync(backend, default));
            Assert.Null(await new ServiceBatch(new BatchOptions(), default).CheckFleetAsync(backend, default));
        }

        [Fact]
        public void An_interrupt_names_what_was_applied_but_not_handed_out_and_what_was_not_applied()
        {
            using var cancel = new CancellationTokenSource();
            using var inventory = TempInventory.Sample();
            using var backend = new NotGroupCommitting(inventory.Backend());
            var batch = new ServiceBatch(new BatchOptions { ThrottleLimit = 4 }, cancel.Token);
            batch.Start(backend, Svc("done-1"), (_, s, __) => Task.FromResult<ComputeService?>(s));
            batch.Start(backend, Svc("cut-1"), async (_, s, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return s;
            });
            cancel.Cancel();

            Assert.Empty(batch.TakeReady());   // after a stop nothing more is handed out one by one
            var report = batch.Interrupt(TimeSpan.FromSeconds(5));

            Assert.Contains(report.Applied, n => n.Contains("done-1"));
            Assert.Contains(report.Unknown, n => n.Contains("cut-1"));
            Assert.Contains("applied but not reported", report.ToString());
        }

        /// <summary>A backend that offers no group commit (as Nova does not).</summary>
        private sealed class NotGroupCommitting : IComputeServiceBackend
        {
            private readonly InventoryBackend _inner;
            public NotGroupCommitting(InventoryBackend inner) => _inner = inner;
            public string Description => _inner.Description;
            public Task<string> DescribeAsync(CancellationToken ct) => _inner.DescribeAsync(ct);
            public Task<IReadOnlyList<ComputeService>> ListAsync(ServiceQuery query, CancellationToken ct) => _inner.ListAsync(query, ct);
            public Task<ComputeService> ResolveAsync(ServiceRef reference, CancellationToken ct) => _inner.ResolveAsync(reference, ct);
            public Task<ComputeService> UpdateAsync(ComputeService s, ServiceChange c, CancellationToken ct) => _inner.UpdateAsync(s, c, ct);
            public Task DeleteAsync(ComputeService s, CancellationToken ct) => _inner.DeleteAsync(s, ct);
            public Task<RemovalCheck> TestRemovalAsync(ComputeService s, CancellationToken ct) => _inner.TestRemovalAsync(s, ct);
            public Task<InventoryDocument> ExportAsync(CancellationToken ct) => _inner.ExportAsync(ct);
            public Task<IReadOnlyList<MigrationSummary>> ListPendingEvacuationsAsync(string host, CancellationToken ct) => _inner.ListPendingEvacuationsAsync(host, ct);
            public void Dispose() => _inner.Dispose();
        }
    }
}
