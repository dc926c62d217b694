using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using Xunit;

namespace ComputeServices.Tests.Nova
{
    /// <summary>The remote pre-flight and export read what Nova's DELETE checks (nova/api/openstack/compute/services.py).</summary>
    public class NovaRemovalTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        private static (FakeNova Nova, NovaBackend Backend) Create(string? pin = null)
        {
            var nova = new FakeNova("2.93");
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/os-services", r => FakeNova.Json(200, r.Header("OpenStack-API-Version") == "compute 2.1"
                ? "{\"services\": [{\"id\": 7, \"binary\": \"nova-compute\", \"host\": \"h1\", \"status\": \"enabled\", \"state\": \"up\"}]}"
                : "{\"services\": [{\"id\": \"11111111-1111-1111-1111-111111111111\", \"binary\": \"nova-compute\", \"host\": \"h1\", \"status\": \"enabled\", \"state\": \"up\", \"forced_down\": false}]}"));
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/servers/detail", r => FakeNova.Json(200, r.Uri.Query.Contains("deleted=true")
                ? "{\"servers\": [" +
                  "{\"id\": \"sd\", \"name\": \"vm-soft\", \"status\": \"SOFT_DELETED\", \"OS-EXT-STS:vm_state\": \"soft-delete\", \"OS-EXT-SRV-ATTR:host\": \"h1\"}," +
                  "{\"id\": \"gone\", \"name\": \"vm-gone\", \"status\": \"DELETED\", \"OS-EXT-STS:vm_state\": \"deleted\", \"OS-EXT-SRV-ATTR:host\": \"h1\"}]}"
                : "{\"servers\": []}"));
            nova.On(HttpMethod.Get, "/v2.1/os-aggregates", _ => FakeNova.Json(200, "{\"aggregates\": []}"));
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/os-migrations", _ => FakeNova.Json(200, "{\"migrations\": []}"));
            return (nova, new NovaBackend(nova.Connect(pin), ownsConnection: true));
        }

        private static void Hypervisors(FakeNova nova, string firstPageHost, string secondPageHost, string secondPageNode)
        {
            // By name (one host's pre-flight): Nova's LIKE %pattern% over both nodes, or its 404.
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/os-hypervisors/detail" && r.Uri.Query.Contains("hypervisor_hostname_pattern="), r =>
            {
                var pattern = System.Uri.UnescapeDataString(r.Uri.Query.Split(new[] { "hypervisor_hostname_pattern=" }, System.StringSplitOptions.None)[1].Split('&')[0]);
                var found = new[] { ("other-node", firstPageHost, "1"), (secondPageNode, secondPageHost, "2") }.Where(n => n.Item1.Contains(pattern)).ToList();
                return found.Count == 0
                    ? FakeNova.Fault(404, "itemNotFound", $"No hypervisor matching '{pattern}' could be found.")
                    : FakeNova.Json(200, "{\"hypervisors\": [" + string.Join(",", found.Select(n =>
                        "{\"id\": \"aaaaaaaa-0000-4000-8000-00000000000" + n.Item3 + "\", \"hypervisor_hostname\": \"" + n.Item1 + "\", \"service\": {\"host\": \"" + n.Item2 + "\"}}")) + "]}");
            });
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/os-hypervisors/detail" && !r.Uri.Query.Contains("marker") && !r.Uri.Query.Contains("pattern"), _ => FakeNova.Json(200,
                "{\"hypervisors\": [{\"id\": \"aaaaaaaa-0000-4000-8000-000000000001\", \"hypervisor_hostname\": \"other-node\", \"service\": {\"host\": \"" + firstPageHost + "\"}}]," +
                " \"hypervisors_links\": [{\"rel\": \"next\", \"href\": \"http://nova.test:8774/v2.1/os-hypervisors/detail?limit=1&marker=aaaaaaaa-0000-4000-8000-000000000001\"}]}"));
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/os-hypervisors/detail" && r.Uri.Query.Contains("marker=aaaaaaaa-0000-4000-8000-000000000001"), _ => FakeNova.Json(200,
                "{\"hypervisors\": [{\"id\": \"aaaaaaaa-0000-4000-8000-000000000002\", \"hypervisor_hostname\": \"" + secondPageNode + "\", \"service\": {\"host\": \"" + secondPageHost + "\"}}]}"));
        }

        private static void Migrations(FakeNova nova)
            => nova.On(r => r.Uri.AbsolutePath == "/v2.1/os-migrations", _ => FakeNova.Json(200, "{\"migrations\": [" +
                "{\"uuid\": \"m-old-node\", \"status\": \"running\", \"source_compute\": \"h1\", \"source_node\": \"h1.node-a\", \"dest_compute\": \"x\", \"dest_node\": \"x\", \"migration_type\": \"live-migration\"}," +
                "{\"uuid\": \"m-this-node\", \"status\": \"finished\", \"source_compute\": \"y\", \"source_node\": \"y\", \"dest_compute\": \"h1\", \"dest_node\": \"h1.node-b\", \"migration_type\": \"resize\"}," +
                "{\"uuid\": \"m-evac\", \"status\": \"done\", \"source_compute\": \"h1\", \"source_node\": \"h1.node-b\", \"dest_compute\": \"y\", \"dest_node\": \"y\", \"migration_type\": \"evacuation\"}]}"));

        [Fact]
        public async Task A_soft_deleted_instance_blocks_but_a_deleted_one_does_not()
        {
            var (nova, backend) = Create();
            var s = await backend.ResolveAsync(ServiceRef.ByHost("h1"), None);

            var check = await backend.TestRemovalAsync(s, None);

            Assert.Equal(new[] { "sd" }, check.Instances.Select(i => i.Id));
            Assert.Equal("soft-delete", check.Instances[0].State);
            Assert.False(check.CanRemove);
            Assert.Contains(nova.ComputeRequests, r => r.PathAndQuery == "/v2.1/servers/detail?all_tenants=1&host=h1&deleted=true");
        }

        [Fact]
        public async Task Migrations_are_matched_by_host_and_node_over_every_page_of_hypervisors()
        {
            var (nova, backend) = Create();
            Hypervisors(nova, "elsewhere", "h1", "h1.node-b");
            Migrations(nova);
            var s = await backend.ResolveAsync(ServiceRef.ByHost("h1"), None);

            var check = await backend.TestRemovalAsync(s, None);

            Assert.Equal(new[] { "m-this-node:destination" }, check.Migrations.Select(m => m.Id + ":" + m.Role));
            Assert.DoesNotContain(check.Warnings, w => w.StartsWith("Also: ", System.StringComparison.Ordinal));
            // One host: only the nodes its migrations name are asked for (a full listing of a large cloud takes minutes).
            Assert.Contains(nova.ComputeRequests, r => r.PathAndQuery == "/v2.1/os-hypervisors/detail?hypervisor_hostname_pattern=h1.node-b");
            Assert.DoesNotContain(nova.ComputeRequests, r => r.PathAndQuery == "/v2.1/os-hypervisors/detail");
            // The full listing (the snapshot's): every page, and the marker past the last short page.
            Assert.Equal(new[] { "other-node", "h1.node-b" }, (await backend.ListHypervisorsAsync(None)).Select(n => n.HypervisorHostname));
            Assert.Contains(nova.ComputeRequests, r => r.Uri.Query.Contains("marker=aaaaaaaa-0000-4000-8000-000000000001"));
            Assert.Contains(nova.ComputeRequests, r => r.Uri.Query == "?marker=aaaaaaaa-0000-4000-8000-000000000002");
            // 2.88+ would make Nova ask every compute for its uptime over RPC.
            Assert.All(nova.ComputeRequests.Where(r => r.Uri.AbsolutePath == "/v2.1/os-hypervisors/detail"),
                r => Assert.Equal("compute 2.87", r.Header("OpenStack-API-Version")));
        }

        [Fact]
        public async Task A_host_without_compute_nodes_skips_the_migration_check_as_Nova_does()
        {
            var (nova, backend) = Create();
            Hypervisors(nova, "elsewhere", "elsewhere-too", "n2");
            Migrations(nova);
            var s = await backend.ResolveAsync(ServiceRef.ByHost("h1"), None);

            var check = await backend.TestRemovalAsync(s, None);

            Assert.Empty(check.Migrations);
            // The migrations name nodes of h1; os-hypervisors knows none by that name (404), so none can block (the
            // soft-deleted instance does) and nothing is in doubt.
            Assert.Equal(RemovalVerdict.Blocked, check.Verdict);
            Assert.DoesNotContain(check.Warnings, w => w.StartsWith("Also: ", System.StringComparison.Ordinal));
            Assert.Contains(nova.ComputeRequests, r => r.PathAndQuery == "/v2.1/os-hypervisors/detail?hypervisor_hostname_pattern=h1.node-a");

            await backend.TestRemovalAsync(s, None);
            await backend.TestRemovalAsync(s, None);
            // The bulk checks: two pages and the marker after the last (a short page proves nothing), read once.
            Assert.Equal(3, nova.ComputeRequests.Count(r => r.Uri.AbsolutePath == "/v2.1/os-hypervisors/detail" && !r.Uri.Query.Contains("pattern")));
        }

        [Fact]
        public async Task Migrations_are_read_at_the_highest_version_whatever_the_pin()
        {
            var (nova, backend) = Create("2.1");
            Hypervisors(nova, "h1", "h1", "h1.node-b");
            Migrations(nova);
            var s = await backend.ResolveAsync(ServiceRef.ByHost("h1"), None);

            await backend.TestRemovalAsync(s, None);

            var migrations = nova.ComputeRequests.Where(r => r.Uri.AbsolutePath == "/v2.1/os-migrations").ToList();
            Assert.NotEmpty(migrations);
            Assert.All(migrations, m => Assert.Equal("compute 2.93", m.Header("OpenStack-API-Version")));
            Assert.Equal("compute 2.1", nova.ComputeRequests.First(r => r.Uri.AbsolutePath == "/v2.1/os-services").Header("OpenStack-API-Version"));
        }

        [Fact]
        public async Task Export_keeps_soft_deleted_instances_every_node_and_done_evacuations_under_a_low_pin()
        {
            var (nova, backend) = Create("2.1");
            Hypervisors(nova, "elsewhere", "h1", "h1.node-b");
            Migrations(nova);

            var doc = await backend.ExportInventoryAsync(None);

            Assert.Equal(new[] { "sd" }, doc.Instances.Select(i => i.Uuid));
            Assert.Equal(new[] { "other-node", "h1.node-b" }, doc.ComputeNodes.Select(n => n.HypervisorHostname));
            Assert.Equal(new[] { "m-old-node", "m-this-node", "m-evac" }, doc.Migrations.Select(m => m.Uuid));
            Assert.Equal("h1.node-b", doc.Migrations.Last().SourceNode);
        }
    

        [Fact]
        public async Task Below_2_53_an_unmapped_host_is_advised_to_run_discover_hosts()
        {
            var (nova, backend) = Create("2.11");
            nova.On(r => r.Method == HttpMethod.Put, _ => FakeNova.Fault(404, "itemNotFound", "Host 'h1' is not mapped to any cell"));
            var s = await backend.ResolveAsync(ServiceRef.ByHost("h1"), None);

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.UpdateAsync(s, ServiceChange.Disable(), None));

            Assert.Equal(ErrorIds.ServiceNotFound, ex.ErrorId);
            Assert.Contains("nova-manage cell_v2 discover_hosts", ex.RecommendedAction);
        }

        [Theory]
        [InlineData("rack1:h1")]
        [InlineData("h1@cell")]
        [InlineData("h 1")]
        [InlineData("h\u00e9")]
        public async Task Below_2_53_a_host_the_legacy_schema_refuses_is_advised_to_use_2_53(string host)
        {
            var (nova, backend) = Create("2.11");
            nova.On(r => r.Method == HttpMethod.Put, _ => FakeNova.Fault(400, "badRequest",
                "Invalid input for field/attribute host. Value: " + host + ". '" + host + "' does not match '^[a-zA-Z0-9-._]*$'"));
            var s = new ComputeService("7", "nova-compute", host, "nova", "enabled", "up", false, null, null);

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.UpdateAsync(s, ServiceChange.Disable(), None));

            Assert.Equal(ErrorIds.InvalidServiceUpdate, ex.ErrorId);
            Assert.Contains("2.53", ex.RecommendedAction);
            Assert.Contains(host, ex.RecommendedAction);
        }
    
        [Theory]
        [InlineData(true, "Service 22222222-2222-2222-2222-222222222222 not found.")]
        [InlineData(false, "Service 22222222-2222-2222-2222-222222222222 could not be found.")]
        public async Task An_unknown_id_is_worded_as_Nova_words_the_DELETE_or_the_PUT(bool forDelete, string message)
        {
            var (_, backend) = Create();
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(
                () => backend.ResolveAsync(ServiceRef.ById("22222222-2222-2222-2222-222222222222", forDelete), None));
            Assert.Equal(ErrorIds.ServiceNotFound, ex.ErrorId);
            Assert.Equal(message, ex.Message);
        }
    
        [Fact]
        public async Task Without_os_hypervisors_the_export_blocks_as_the_pre_flight_does_by_host_alone()
        {
            var (nova, backend) = Create();
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/os-hypervisors/detail", _ => FakeNova.Fault(500, "computeFault", "Unexpected API Error."));
            Migrations(nova);
            var s = await backend.ResolveAsync(ServiceRef.ByHost("h1"), None);

            var doc = await backend.ExportInventoryAsync(None);
            var check = await backend.TestRemovalAsync(s, None);

            Assert.Equal(new[] { "h1", "h1.node-a", "h1.node-b" }, doc.ComputeNodes.Select(n => n.HypervisorHostname).OrderBy(n => n, System.StringComparer.Ordinal));
            // Host alone proves nothing (Nova matches host and node): undetermined, naming what may block.
            Assert.Empty(check.Migrations);
            Assert.Equal(RemovalVerdict.Blocked, check.Verdict);   // the soft-deleted instance
            Assert.Contains(check.Warnings, w => w.StartsWith("Also: ", System.StringComparison.Ordinal) && w.Contains("m-old-node, m-this-node"));
            Assert.NotNull(doc.Snapshot);
            Assert.Contains("h1", doc.Snapshot!.HostsWithAssumedNodes);
        }
    }
}
