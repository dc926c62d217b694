using System.Threading.Tasks;
using System.Threading;
using System;
using System.Linq;
using ComputeServices.Inventory;
using Xunit;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>DeleteAsync / TestRemovalAsync: Nova's DELETE /os-services/{id} checks and cleanup (ServiceController.delete in nova/api/openstack/compute/services.py).</summary>
    public class DeleteTests
    {
        private static ComputeServiceException Blocked(TempInventory t, string host, string errorId)
        {
            var backend = t.Backend();
            var before = t.Bytes();
            var ex = Assert.Throws<ComputeServiceException>(() => Ops.Delete(backend, Ops.Resolve(backend, host)));
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Equal(FailureKind.Busy, ex.Kind);
            Assert.Equal(before, t.Bytes());
            return ex;
        }

        [Fact]
        public void HostWithInstances_IsBusy_NamingTheInstances()
        {
            using var t = Sample();
            var ex = Blocked(t, "compute-busy-01", ErrorIds.ServiceHostingInstances);
            Assert.Equal("Unable to delete compute service that is hosting instances. Migrate or delete the instances first.", ex.Message);
            Assert.Contains("vm-busy1-a", ex.RecommendedAction);
            Assert.Contains("vm-busy1-b", ex.RecommendedAction);
            Assert.Contains(t.Read().Instances.Single(i => i.Name == "vm-busy1-a").Uuid, ex.RecommendedAction);
            Assert.DoesNotContain("vm-busy2", ex.RecommendedAction);
        }

        [Fact]
        public void SourceOfAFinishedResize_HasInProgressMigrations()
        {
            using var t = Sample();
            var ex = Blocked(t, "compute-resize-src", ErrorIds.ServiceHasInProgressMigrations);
            Assert.Equal("Unable to delete compute service that has in-progress migrations. Complete the migrations or delete the instances first.", ex.Message);
            Assert.Contains(t.Read().Migrations.Single(m => m.Status == "finished").Uuid, ex.RecommendedAction);
        }

        [Fact]
        public void DestinationOfARunningLiveMigration_HasInProgressMigrations()
        {
            using var t = Sample();
            var ex = Blocked(t, "compute-live-dst", ErrorIds.ServiceHasInProgressMigrations);
            Assert.Contains(t.Read().Migrations.Single(m => m.Status == "running").Uuid, ex.RecommendedAction);
        }

        [Fact]
        public void HostWithOnlyAnOldConfirmedMigration_IsDeleted_WithNovasCleanup()
        {
            using var t = Sample();
            var backend = t.Backend();
            var victim = Ops.Resolve(backend, "compute-free-01");
            Assert.Contains(t.Read().Aggregates, a => a.Hosts.Contains("compute-free-01"));
            var migrationsBefore = t.Read().Migrations.Count;

            Ops.Delete(backend, victim);

            Assert.DoesNotContain(Ops.List(backend), s => s.Host == "compute-free-01");
            Assert.Equal(12, Ops.List(backend).Count);
            var after = t.Read();
            Assert.DoesNotContain(after.Services, s => s.Uuid == victim.Id);
            Assert.All(after.Aggregates, a => Assert.DoesNotContain("compute-free-01", a.Hosts));
            Assert.DoesNotContain(after.ComputeNodes, n => n.Host == "compute-free-01");
            // Nothing else went with it.
            Assert.Equal(8, after.ComputeNodes.Count);
            Assert.Equal(new[] { "compute-down-01", "compute-forced-down", "compute-live-dst" },
                after.Aggregates.Single(a => a.Name == "agg-west").Hosts.OrderBy(h => h, StringComparer.Ordinal));
            Assert.Equal(migrationsBefore, after.Migrations.Count);
            Assert.Empty(t.TempFiles());
        }

        [Fact]
        public void DeletingTwice_IsServiceNotFound()
        {
            using var t = Sample();
            var backend = t.Backend();
            var victim = Ops.Resolve(backend, "compute-free-02");
            Ops.Delete(backend, victim);
            var before = t.Bytes();
            var ex = Assert.Throws<ComputeServiceException>(() => Ops.Delete(backend, victim));
            Assert.Equal(ErrorIds.ServiceNotFound, ex.ErrorId);
            Assert.Equal(FailureKind.NotFound, ex.Kind);
            Assert.Equal($"Service {victim.Id} not found.", ex.Message);
            Assert.Equal(before, t.Bytes());
        }

        [Fact]
        public async Task AnUnknownId_IsWordedAsNovasDelete_WhenLookedUpToDelete_AndAsItsUpdateOtherwise()
        {
            using var t = Sample();
            var id = Guid.NewGuid().ToString();
            Task<ComputeService> Resolve(bool forDelete) => t.Backend().ResolveAsync(ServiceRef.ById(id, forDelete), CancellationToken.None);

            Assert.Equal($"Service {id} not found.", (await Assert.ThrowsAsync<ComputeServiceException>(() => Resolve(true))).Message);
            Assert.Equal($"Service {id} could not be found.", (await Assert.ThrowsAsync<ComputeServiceException>(() => Resolve(false))).Message);
        }

        [Fact]
        public void NonComputeDelete_JustRemovesIt_AggregatesUntouched()
        {
            using var t = Sample();
            var backend = t.Backend();
            var doc = t.Read();
            // Even an aggregate listing the controller, and an instance claiming its host, do not matter for a scheduler.
            doc.Aggregates[0].Hosts.Add("controller-01");
            doc.Instances.Add(new InstanceRecord { Uuid = Guid.NewGuid().ToString(), Name = "odd", Host = "controller-01" });
            t.OpenFile().Create(doc, overwrite: true);
            var aggregatesBefore = System.Text.Json.JsonSerializer.Serialize(t.Read().Aggregates);

            Ops.Delete(backend, Ops.Resolve(backend, "controller-01", "nova-scheduler"));

            Assert.Empty(Ops.List(backend, host: "controller-01", binary: "nova-scheduler"));
            Assert.Single(Ops.List(backend, host: "controller-01"));
            Assert.Equal(aggregatesBefore, System.Text.Json.JsonSerializer.Serialize(t.Read().Aggregates));
            Assert.Equal(9, t.Read().ComputeNodes.Count);
        }

        public static readonly TheoryData<string> Terminal = new() { "confirmed", "reverted", "error", "failed", "completed", "cancelled", "done" };
        public static readonly TheoryData<string> InProgress = new()
        {
            "accepted", "pre-migrating", "migrating", "post-migrating", "finished", "confirming", "reverting", "running", "preparing", "queued",
        };

        private static TempInventory WithMigration(string status, string sourceNode = "c1", string destNode = "c2", string source = "c1", string dest = "c2")
        {
            var doc = Doc(Svc(1, "c1", lastSeenUp: Now), Svc(2, "c2", lastSeenUp: Now));
            doc.Migrations.Add(new MigrationRecord
            {
                Uuid = Guid.NewGuid().ToString(), Status = status, MigrationType = "migration",
                SourceCompute = source, SourceNode = sourceNode, DestCompute = dest, DestNode = destNode,
            });
            return With(doc);
        }

        [Theory]
        [MemberData(nameof(Terminal))]
        public void TerminalMigration_DoesNotBlock_SourceOrDestination(string status)
        {
            foreach (var host in new[] { "c1", "c2" })
            {
                using var t = WithMigration(status);
                var backend = t.Backend();
                Assert.True(Ops.TestRemoval(backend, Ops.Resolve(backend, host)).CanRemove);
                Ops.Delete(backend, Ops.Resolve(backend, host));
                Assert.Empty(Ops.List(backend, host: host));
            }
        }

        [Theory]
        [MemberData(nameof(InProgress))]
        public void InProgressMigration_Blocks_SourceAndDestination(string status)
        {
            using var t = WithMigration(status);
            var ex1 = Blocked(t, "c1", ErrorIds.ServiceHasInProgressMigrations);
            var ex2 = Blocked(t, "c2", ErrorIds.ServiceHasInProgressMigrations);
            Assert.Contains(status, ex1.RecommendedAction);
            Assert.Contains(status, ex2.RecommendedAction);
        }

        [Fact]
        public void MigrationOnANodeTheHostDoesNotHave_DoesNotBlock()
        {
            // Nova matches (source_compute, source_node) or (dest_compute, dest_node) per compute node of the host.
            using var t = WithMigration("running", sourceNode: "c1-old-node", destNode: "c2-other-node");
            var backend = t.Backend();
            Assert.True(Ops.TestRemoval(backend, Ops.Resolve(backend, "c1")).CanRemove);
            Ops.Delete(backend, Ops.Resolve(backend, "c1"));
            Ops.Delete(backend, Ops.Resolve(backend, "c2"));
            Assert.Empty(Ops.List(backend));
        }

        [Fact]
        public void MigrationOnANodeOfAnotherHost_DoesNotBlock()
        {
            // The node name matches one of c1's nodes, but the migration's host is another one.
            using var t = WithMigration("running", source: "c9", sourceNode: "c1", dest: "c8", destNode: "c2");
            var backend = t.Backend();
            Ops.Delete(backend, Ops.Resolve(backend, "c1"));
            Assert.Empty(Ops.List(backend, host: "c1"));
        }

        [Fact]
        public void HostWithoutComputeNodes_SkipsTheMigrationCheck_Bug1860312()
        {
            var doc = Doc(Svc(1, "c1", lastSeenUp: Now), Svc(2, "c2", lastSeenUp: Now));
            doc.ComputeNodes.RemoveAll(n => n.Host == "c1");
            doc.Migrations.Add(new MigrationRecord
            {
                Uuid = Guid.NewGuid().ToString(), Status = "running", SourceCompute = "c1", SourceNode = "c1", DestCompute = "c2", DestNode = "c2",
            });
            using var t = With(doc);
            var backend = t.Backend();
            Ops.Delete(backend, Ops.Resolve(backend, "c1"));
            Assert.Empty(Ops.List(backend, host: "c1"));
            // The destination still has its node, so it stays blocked.
            Blocked(t, "c2", ErrorIds.ServiceHasInProgressMigrations);
        }

        [Fact]
        public void HostWithoutComputeNodes_StillChecksInstances()
        {
            var doc = Doc(Svc(1, "c1", lastSeenUp: Now));
            doc.ComputeNodes.Clear();
            doc.Instances.Add(new InstanceRecord { Uuid = Guid.NewGuid().ToString(), Name = "vm", Host = "c1", Node = "c1" });
            using var t = With(doc);
            Blocked(t, "c1", ErrorIds.ServiceHostingInstances);
        }

        [Fact]
        public void TestRemoval_ReportsInstancesAndMigrations_WithRoles_WithoutChangingTheFile()
        {
            using var t = Sample();
            var backend = t.Backend();
            var before = t.Bytes();
            var doc = t.Read();

            var busy = Ops.TestRemoval(backend, Ops.Resolve(backend, "compute-busy-01"));
            Assert.False(busy.CanRemove);
            Assert.Equal(new[] { "vm-busy1-a", "vm-busy1-b" }, busy.Instances.Select(i => i.Name).OrderBy(n => n, StringComparer.Ordinal));
            Assert.All(busy.Instances, i => Assert.Equal(doc.Instances.Single(x => x.Name == i.Name).Uuid, i.Id));
            var live = Assert.Single(busy.Migrations); // the running live-migration it is the source of; not the old confirmed one
            Assert.Equal("source", live.Role);
            Assert.Equal("running", live.Status);

            var src = Ops.TestRemoval(backend, Ops.Resolve(backend, "compute-resize-src"));
            Assert.Empty(src.Instances);
            var resize = Assert.Single(src.Migrations);
            Assert.Equal(doc.Migrations.Single(m => m.Status == "finished").Uuid, resize.Id);
            Assert.Equal("source", resize.Role);
            Assert.Equal("resize", resize.MigrationType);
            Assert.Equal("compute-resize-src", resize.SourceHost);
            Assert.Equal("compute-busy-02", resize.DestinationHost);

            var dst = Ops.TestRemoval(backend, Ops.Resolve(backend, "compute-live-dst"));
            var lm = Assert.Single(dst.Migrations);
            Assert.Equal("destination", lm.Role);
            Assert.Equal(doc.Migrations.Single(m => m.Status == "running").Uuid, lm.Id);

            var busy2 = Ops.TestRemoval(backend, Ops.Resolve(backend, "compute-busy-02"));
            Assert.Equal(new[] { "vm-busy2-resized", "vm-evacuated" }, busy2.Instances.Select(i => i.Name).OrderBy(n => n, StringComparer.Ordinal));
            Assert.Equal("destination", Assert.Single(busy2.Migrations).Role); // the finished resize; the 'done' evacuation is terminal

            Assert.True(Ops.TestRemoval(backend, Ops.Resolve(backend, "compute-free-01")).CanRemove);
            Assert.True(Ops.TestRemoval(backend, Ops.Resolve(backend, "compute-evacuated")).CanRemove);
            Assert.True(Ops.TestRemoval(backend, Ops.Resolve(backend, "controller-01", "nova-scheduler")).CanRemove);
            Assert.Equal(before, t.Bytes());
        }

        [Fact]
        public void TestRemoval_OfAnUnknownService_IsServiceNotFound()
        {
            using var t = Sample();
            var ghost = new ComputeService(Guid.NewGuid().ToString(), "nova-compute", "ghost", "nova", "enabled", "up", false, null, Now);
            Assert.Equal(ErrorIds.ServiceNotFound, Assert.Throws<ComputeServiceException>(() => Ops.TestRemoval(t.Backend(), ghost)).ErrorId);
        }
    }
}
