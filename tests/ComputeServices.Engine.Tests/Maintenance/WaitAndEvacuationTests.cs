using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Maintenance;
using ComputeServices.Nova;
using ComputeServices.Tests.Inventory;
using ComputeServices.Tests.Nova;
using Xunit;

namespace ComputeServices.Tests.Maintenance
{
    public class WaitAndEvacuationTests
    {
        private const string Uuid = "e81d66a4-ddd3-4aba-8a84-171d1cb4d339";

        private static ComputeService Svc(string? id, string host, string? state, bool? forcedDown = false, string status = ServiceStatus.Enabled)
            => new ComputeService(id, "nova-compute", host, "nova", status, state, forcedDown, null, null);

        [Fact]
        public void Every_condition_given_must_hold()
        {
            var condition = new WaitCondition(ServiceState.Up, forcedDown: false);
            Assert.True(condition.IsMetBy(Svc(Uuid, "h", "up")));
            Assert.False(condition.IsMetBy(Svc(Uuid, "h", "down")));
            Assert.False(condition.IsMetBy(Svc(Uuid, "h", "up", forcedDown: true)));
            Assert.False(condition.IsMetBy(Svc(Uuid, "h", "up", forcedDown: null)));
            Assert.False(condition.IsMetBy(null));
            Assert.False(condition.IsMetBy(new ComputeService(null, "nova-compute", "h", null, ServiceStatus.Unknown, null, null, null, null)));
        }

        [Fact]
        public void Registered_alone_only_needs_the_service_listed()
        {
            var registered = new WaitCondition(registered: true);
            Assert.True(registered.IsMetBy(Svc(Uuid, "h", "down")));
            Assert.False(registered.IsMetBy(null));
            Assert.True(new WaitCondition().IsEmpty);
            Assert.Throws<ArgumentException>(() => new WaitCondition("sideways"));
        }

        [Fact]
        public void A_target_is_found_by_id_or_by_host_and_binary_and_reached_once()
        {
            var condition = new WaitCondition(ServiceState.Up);
            var byId = new WaitTarget(Svc(Uuid, "h1", "down"), null);
            var byHost = new WaitTarget(null, ServiceRef.ByHost("h2"));
            var listing = new[] { Svc(Uuid, "h1", "up"), Svc("x", "h2", "down") };

            Assert.True(byId.Observe(listing, condition));
            Assert.False(byId.Observe(listing, condition));
            Assert.True(byId.Reached);
            Assert.False(byHost.Observe(listing, condition));
            Assert.Equal("down", byHost.LastSeen!.State);

            var ex = byHost.Timeout(condition, TimeSpan.FromSeconds(30));
            Assert.Equal(ErrorIds.ServiceWaitTimeout, ex.ErrorId);
            Assert.Equal(FailureKind.Timeout, ex.Kind);
            Assert.Contains("last seen: state down", ex.Message);

            Assert.False(byHost.Observe(Array.Empty<ComputeService>(), condition));
            Assert.Contains("not registered", byHost.Timeout(condition, TimeSpan.FromSeconds(1), "up").Message);
            Assert.Contains("at step 'up'", byHost.Timeout(condition, TimeSpan.FromSeconds(1), "up").Message);
        }

        [Fact]
        public async Task Inventory_lists_only_done_evacuations_from_the_host()
        {
            using var inventory = TempInventory.Sample();
            var backend = inventory.Backend();
            var pending = await backend.ListPendingEvacuationsAsync("compute-evacuated", CancellationToken.None);
            var m = Assert.Single(pending);
            Assert.Equal("done", m.Status);
            Assert.Equal("evacuation", m.MigrationType);
            Assert.Equal("compute-evacuated", m.SourceHost);
            // compute-busy-02 is the destination of that evacuation, not its source.
            Assert.Empty(await backend.ListPendingEvacuationsAsync("compute-busy-02", CancellationToken.None));

            inventory.OpenFile().Update(d => { d.Migrations.Single(x => x.MigrationType == "evacuation").Status = "completed"; return true; }, CancellationToken.None);
            Assert.Empty(await backend.ListPendingEvacuationsAsync("compute-evacuated", CancellationToken.None));
        }

        [Theory]
        [InlineData("2.93", "2.93", "2.93")]
        [InlineData("2.93", "2.11", "2.59")]
        [InlineData("2.93", "2.60", "2.60")]
        [InlineData("2.40", "2.11", "2.23")]
        [InlineData("2.40", "2.30", "2.30")]
        [InlineData("2.20", "2.11", "2.11")]
        public async Task Nova_asks_os_migrations_by_source_and_type_at_2_59_or_at_least_2_23(string serverMax, string pin, string expectedVersion)
        {
            var nova = new FakeNova(serverMax);
            nova.On(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath == "/v2.1/os-migrations", _ => FakeNova.Json(200,
                "{\"migrations\": [" +
                "{\"id\": 1, \"uuid\": \"11111111-1111-1111-1111-111111111111\", \"status\": \"done\", \"migration_type\": \"evacuation\", \"source_compute\": \"compute-07\", \"dest_compute\": \"compute-08\"}," +
                "{\"id\": 2, \"uuid\": \"22222222-2222-2222-2222-222222222222\", \"status\": \"completed\", \"migration_type\": \"evacuation\", \"source_compute\": \"compute-07\", \"dest_compute\": \"compute-09\"}," +
                "{\"id\": 3, \"uuid\": \"33333333-3333-3333-3333-333333333333\", \"status\": \"done\", \"migration_type\": \"evacuation\", \"source_compute\": \"compute-070\", \"dest_compute\": \"compute-09\"}" +
                "]}"));
            using var backend = new NovaBackend(nova.Connect(pin), ownsConnection: true);

            var pending = await backend.ListPendingEvacuationsAsync("compute-07", CancellationToken.None);

            var m = Assert.Single(pending);
            Assert.Equal("11111111-1111-1111-1111-111111111111", m.Id);
            var request = nova.ComputeRequests.Single(r => r.Uri.AbsolutePath == "/v2.1/os-migrations");
            Assert.Equal("?source_compute=compute-07&migration_type=evacuation", request.Uri.Query);
            Assert.Equal("compute " + expectedVersion, request.Header("OpenStack-API-Version"));
        }
    }
}
