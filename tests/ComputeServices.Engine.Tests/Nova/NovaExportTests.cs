using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using Xunit;

namespace ComputeServices.Tests.Nova
{
    public class NovaExportTests
    {
        [Fact]
        public async Task Exports_services_with_both_ids_and_the_data_the_rules_need()
        {
            var nova = new FakeNova("2.93");
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/os-services", r => FakeNova.Json(200, r.Header("OpenStack-API-Version") == "compute 2.52"
                ? "{\"services\": [{\"id\": 7, \"binary\": \"nova-compute\", \"host\": \"c1\", \"status\": \"enabled\", \"state\": \"up\"}]}"
                : "{\"services\": [{\"id\": \"11111111-1111-1111-1111-111111111111\", \"binary\": \"nova-compute\", \"host\": \"c1\", \"status\": \"disabled\"," +
                  " \"state\": \"down\", \"forced_down\": true, \"disabled_reason\": \"psu\", \"zone\": \"az1\"}," +
                  " {\"binary\": \"nova-compute\", \"host\": \"lost\", \"status\": \"UNKNOWN\"}]}"));
            nova.On(HttpMethod.Get, "/v2.1/os-aggregates", _ => FakeNova.Json(200,
                "{\"aggregates\": [{\"uuid\": \"a-1\", \"name\": \"agg\", \"hosts\": [\"c1\"], \"metadata\": {\"availability_zone\": \"az1\"}}]}"));
            nova.On(HttpMethod.Get, "/v2.1/os-hypervisors/detail", _ => FakeNova.Fault(500, "computeFault", "Unexpected API Error."));
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/servers/detail", _ => FakeNova.Json(200,
                "{\"servers\": [{\"id\": \"i-1\", \"name\": \"vm\", \"OS-EXT-SRV-ATTR:host\": \"c1\", \"OS-EXT-SRV-ATTR:hypervisor_hostname\": \"c1\", \"OS-EXT-STS:vm_state\": \"active\"}]}"));
            nova.On(HttpMethod.Get, "/v2.1/os-migrations", _ => FakeNova.Json(200, "{\"migrations\": [" +
                "{\"uuid\": \"m-run\", \"status\": \"running\", \"source_compute\": \"c1\", \"dest_compute\": \"c2\", \"migration_type\": \"live-migration\"}," +
                "{\"uuid\": \"m-old\", \"status\": \"confirmed\", \"source_compute\": \"c1\", \"dest_compute\": \"c2\"}," +
                "{\"uuid\": \"m-evac\", \"status\": \"done\", \"source_compute\": \"c1\", \"dest_compute\": \"c2\", \"migration_type\": \"evacuation\"}]}"));
            var log = new CollectingLog();
            using var backend = new NovaBackend(nova.Connect(log: log), ownsConnection: true);

            var doc = await backend.ExportInventoryAsync(CancellationToken.None);

            var s = Assert.Single(doc.Services);
            Assert.Equal(7, s.Id);
            Assert.Equal("11111111-1111-1111-1111-111111111111", s.Uuid);
            Assert.True(s.Disabled);
            Assert.True(s.ForcedDown);
            Assert.Equal("psu", s.DisabledReason);
            Assert.Equal(NovaBackend.LongAgo, s.LastSeenUp);
            Assert.Equal(NovaBackend.FrozenServiceDownTime, doc.Settings.ServiceDownTime);
            Assert.Equal("az1", Assert.Single(doc.Aggregates).Metadata["availability_zone"]);
            Assert.Equal("c1", Assert.Single(doc.ComputeNodes).HypervisorHostname);
            Assert.Equal("i-1", Assert.Single(doc.Instances).Uuid);
            Assert.Equal(new[] { "m-run", "m-evac" }, doc.Migrations.Select(m => m.Uuid));
            Assert.Contains("lost", log.All);
        }
    
        [Fact]
        public async Task Integer_ids_that_repeat_across_cells_become_unique_in_the_inventory()
        {
            var nova = new FakeNova("2.93");
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/os-services", r => FakeNova.Json(200, r.Header("OpenStack-API-Version") == "compute 2.52"
                ? "{\"services\": [{\"id\": 2, \"binary\": \"nova-compute\", \"host\": \"cell2-a\"}, {\"id\": 2, \"binary\": \"nova-compute\", \"host\": \"cell1-a\"}," +
                  " {\"id\": 3, \"binary\": \"nova-compute\", \"host\": \"cell1-b\"}]}"
                : "{\"services\": [{\"id\": \"11111111-1111-1111-1111-111111111111\", \"binary\": \"nova-compute\", \"host\": \"cell2-a\", \"status\": \"enabled\", \"state\": \"up\"}," +
                  " {\"id\": \"22222222-2222-2222-2222-222222222222\", \"binary\": \"nova-compute\", \"host\": \"cell1-a\", \"status\": \"enabled\", \"state\": \"up\"}," +
                  " {\"id\": \"33333333-3333-3333-3333-333333333333\", \"binary\": \"nova-compute\", \"host\": \"cell1-b\", \"status\": \"enabled\", \"state\": \"up\"}]}"));
            nova.On(HttpMethod.Get, "/v2.1/os-aggregates", _ => FakeNova.Json(200, "{\"aggregates\": []}"));
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/os-hypervisors/detail", _ => FakeNova.Json(200, "{\"hypervisors\": []}"));
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/servers/detail", _ => FakeNova.Json(200, "{\"servers\": []}"));
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/os-migrations", _ => FakeNova.Json(200, "{\"migrations\": []}"));
            using var backend = new NovaBackend(nova.Connect(), ownsConnection: true);

            var doc = await backend.ExportInventoryAsync(CancellationToken.None);

            Assert.Equal(new long[] { 2, 4, 3 }, doc.Services.Select(s => s.Id));
        }
    }
}
