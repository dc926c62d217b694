using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using Xunit;

namespace ComputeServices.Tests.Nova
{
    public class NovaBackendTests
    {
        private const string Host1ComputeUuid = "e81d66a4-ddd3-4aba-8a84-171d1cb4d339";
        private static readonly CancellationToken None = CancellationToken.None;

        private static (FakeNova Nova, NovaBackend Backend) Create(string pin, string? listSample = null)
        {
            var nova = new FakeNova("2.93");
            var sample = listSample ?? (pin switch
            {
                "2.1" => "services-list-get-resp.json",
                "2.11" => "v2.11/services-list-get-resp.json",
                "2.69" => "v2.69/services-list-get-resp.json",
                _ => "v2.53/services-list-get-resp.json",
            });
            var all = JsonDocument.Parse(FakeNova.Sample(sample)).RootElement.GetProperty("services").EnumerateArray().ToList();
            nova.On(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath == "/v2.1/os-services", r =>
            {
                // Nova's exact-match filters, applied as the server does.
                var q = System.Web.HttpUtility.ParseQueryString(r.Uri.Query);
                var items = all.Where(s => (q["host"] == null || s.GetProperty("host").GetString() == q["host"])
                                        && (q["binary"] == null || s.GetProperty("binary").GetString() == q["binary"]));
                return FakeNova.Json(200, "{\"services\": [" + string.Join(",", items.Select(i => i.GetRawText())) + "]}");
            });
            return (nova, new NovaBackend(nova.Connect(pin), ownsConnection: true));
        }

        [Fact]
        public async Task Lists_at_2_1_with_integer_ids_and_no_forced_down()
        {
            var (nova, backend) = Create("2.1");
            var list = await backend.ListAsync(new ServiceQuery("host1", "nova-compute"), None);
            var s = Assert.Single(list);
            Assert.Equal("2", s.Id);
            Assert.Null(s.ForcedDown);
            Assert.Equal("test2", s.DisabledReason);
            Assert.Equal(new DateTime(2012, 10, 29, 13, 42, 5, DateTimeKind.Utc), s.UpdatedAt);
            Assert.Equal(DateTimeKind.Utc, s.UpdatedAt!.Value.Kind);
            Assert.Equal($"connection ({FakeNova.ComputeUrl})", s.Source);   // no cloud name, no project: a bare token
            Assert.Equal("/v2.1/os-services?host=host1&binary=nova-compute", nova.ComputeRequests.Single().PathAndQuery);
        }

        [Fact]
        public async Task Lists_at_2_11_with_forced_down_and_2_53_with_uuids()
        {
            var (_, b211) = Create("2.11");
            Assert.All(await b211.ListAsync(ServiceQuery.All, None), s => Assert.NotNull(s.ForcedDown));
            var (_, b253) = Create("2.53");
            var list = await b253.ListAsync(ServiceQuery.All, None);
            Assert.Contains(list, s => s.Id == Host1ComputeUuid && s.Binary == "nova-compute" && s.Host == "host1");
        }

        [Fact]
        public async Task Lists_2_69_down_cell_records_with_empty_fields()
        {
            var (_, backend) = Create("2.69");
            var list = await backend.ListAsync(ServiceQuery.All, None);
            Assert.Equal(2, list.Count);
            Assert.All(list, s =>
            {
                Assert.True(s.IsDownCell);
                Assert.Null(s.Id); Assert.Null(s.State); Assert.Null(s.Zone); Assert.Null(s.UpdatedAt);
                Assert.Null(s.ForcedDown); Assert.Null(s.DisabledReason);
            });
            var resolved = await backend.ResolveAsync(ServiceRef.ByHost("host2"), None);
            Assert.Equal("UNKNOWN", resolved.Status);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.UpdateAsync(resolved, ServiceChange.Disable(), None));
            Assert.Equal(ErrorIds.CellUnreachable, ex.ErrorId);
        }

        [Fact]
        public async Task A_down_cell_record_cannot_be_deleted_or_checked_and_nothing_is_sent()
        {
            var (nova, backend) = Create("2.69");
            var record = (await backend.ListAsync(ServiceQuery.All, None)).First();
            var before = nova.ComputeRequests.Count;

            var delete = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.DeleteAsync(record, None));
            var check = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.TestRemovalAsync(record, None));

            Assert.All(new[] { delete, check }, ex =>
            {
                Assert.Equal(ErrorIds.CellUnreachable, ex.ErrorId);
                Assert.Equal(FailureKind.ConnectionError, ex.Kind);
                Assert.Contains("unreachable", ex.Message);
                Assert.Same(record, ex.Target);
            });
            Assert.Equal(before, nova.ComputeRequests.Count);
        }

        [Fact]
        public async Task Updated_at_with_a_Z_suffix_is_UTC_too()
        {
            Assert.Equal(new DateTime(2026, 11, 25, 17, 48, 26, 635, DateTimeKind.Utc).AddTicks(4900), NovaJson.Timestamp("2026-11-25T17:48:26.63549Z"));
            Assert.Equal(new DateTime(2012, 10, 29, 13, 42, 2, DateTimeKind.Utc), NovaJson.Timestamp("2012-10-29T13:42:02.000000"));
        }

        [Fact]
        public async Task Resolves_host_and_binary_to_exactly_one_service()
        {
            var (_, backend) = Create("2.53");
            var s = await backend.ResolveAsync(ServiceRef.ByHost("host1"), None);
            Assert.Equal(Host1ComputeUuid, s.Id);

            var missing = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ResolveAsync(ServiceRef.ByHost("host9"), None));
            Assert.Equal(ErrorIds.ServiceNotFound, missing.ErrorId);
            Assert.Equal("Could not find binary nova-compute on host host9.", missing.Message);

            var dup = "{\"services\": [" +
                "{\"id\": \"11111111-1111-1111-1111-111111111111\", \"binary\": \"nova-compute\", \"host\": \"h\", \"status\": \"enabled\"}," +
                "{\"id\": \"22222222-2222-2222-2222-222222222222\", \"binary\": \"nova-compute\", \"host\": \"h\", \"status\": \"enabled\"}]}";
            var nova = new FakeNova();
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/os-services", _ => FakeNova.Json(200, dup));
            using var twice = new NovaBackend(nova.Connect("2.53"));
            var ambiguous = await Assert.ThrowsAsync<ComputeServiceException>(() => twice.ResolveAsync(ServiceRef.ByHost("h"), None));
            Assert.Equal(ErrorIds.AmbiguousService, ambiguous.ErrorId);
            Assert.Contains("22222222-2222-2222-2222-222222222222", ambiguous.RecommendedAction);
        }

        [Fact]
        public async Task Resolves_ids_by_listing_and_checks_their_form_per_microversion()
        {
            var (nova, backend) = Create("2.53");
            Assert.Equal("host1", (await backend.ResolveAsync(ServiceRef.ById(Host1ComputeUuid), None)).Host);
            // Nova's database compares the uuid as stored: upper case is valid (is_uuid_like) but names nothing (404).
            var upper = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ResolveAsync(ServiceRef.ById(Host1ComputeUuid.ToUpperInvariant()), None));
            Assert.Equal(ErrorIds.ServiceNotFound, upper.ErrorId);
            Assert.Contains("Use '" + Host1ComputeUuid + "'", upper.RecommendedAction);
            var bad = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ResolveAsync(ServiceRef.ById("7"), None));
            Assert.Equal(ErrorIds.InvalidServiceId, bad.ErrorId);
            Assert.Equal("Invalid uuid 7", bad.Message);
            var none = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ResolveAsync(ServiceRef.ById("00000000-0000-0000-0000-000000000001"), None));
            Assert.Equal(ErrorIds.ServiceNotFound, none.ErrorId);

            var (_, legacy) = Create("2.1");
            Assert.Equal("host1", (await legacy.ResolveAsync(ServiceRef.ById("2"), None)).Host);
            var notInt = await Assert.ThrowsAsync<ComputeServiceException>(() => legacy.ResolveAsync(ServiceRef.ById(Host1ComputeUuid), None));
            Assert.Equal(ErrorIds.InvalidServiceId, notInt.ErrorId);
        }

        [Fact]
        public async Task At_2_53_an_update_is_one_PUT_with_the_combined_body()
        {
            var (nova, backend) = Create("2.53");
            nova.On(HttpMethod.Put, "/v2.1/os-services/" + Host1ComputeUuid, _ => FakeNova.Json(200, FakeNova.Sample("v2.53/service-disable-log-put-resp.json")));
            var s = await backend.ResolveAsync(ServiceRef.ByHost("host1"), None);
            var updated = await backend.UpdateAsync(s, new ServiceChange("disabled", "maintenance", true), None);
            var put = nova.ComputeRequests.Single(r => r.Method == HttpMethod.Put);
            Assert.Equal("{\"status\":\"disabled\",\"disabled_reason\":\"maintenance\",\"forced_down\":true}", put.Body);
            Assert.StartsWith("application/json", put.Header("Content-Type"));
            Assert.Equal("maintenance", updated.DisabledReason);
            Assert.Equal(Host1ComputeUuid, updated.Id);
        }

        [Fact]
        public async Task Invalid_changes_are_refused_before_sending()
        {
            var (nova, backend) = Create("2.53");
            var s = await backend.ResolveAsync(ServiceRef.ByHost("host1"), None);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.UpdateAsync(s, ServiceChange.Disable(new string('x', 256)), None));
            Assert.Equal(ErrorIds.InvalidServiceUpdate, ex.ErrorId);
            Assert.DoesNotContain(nova.ComputeRequests, r => r.Method == HttpMethod.Put);
        }

        [Theory]
        [InlineData("enabled", null, "enable", "{\"host\":\"host1\",\"binary\":\"nova-compute\"}")]
        [InlineData("disabled", null, "disable", "{\"host\":\"host1\",\"binary\":\"nova-compute\"}")]
        [InlineData("disabled", "test2", "disable-log-reason", "{\"host\":\"host1\",\"binary\":\"nova-compute\",\"disabled_reason\":\"test2\"}")]
        public async Task Below_2_53_status_changes_use_the_legacy_actions_and_reread_the_record(string status, string? reason, string action, string body)
        {
            var (nova, backend) = Create("2.11");
            nova.On(r => r.Method == HttpMethod.Put, _ => FakeNova.Json(200, FakeNova.Sample("v2.11/service-disable-put-resp.json")));
            var s = await backend.ResolveAsync(ServiceRef.ByHost("host1"), None);
            var updated = await backend.UpdateAsync(s, new ServiceChange(status, reason), None);
            var put = nova.ComputeRequests.Single(r => r.Method == HttpMethod.Put);
            Assert.Equal("/v2.1/os-services/" + action, put.PathAndQuery);
            Assert.Equal(body, put.Body);
            Assert.Equal("/v2.1/os-services?host=host1&binary=nova-compute", nova.ComputeRequests.Last().PathAndQuery);
            Assert.Equal("2", updated.Id); // the full record, not the echo
            Assert.NotNull(updated.Zone);
        }

        [Fact]
        public async Task Below_2_53_force_down_goes_first_then_the_status_action()
        {
            var (nova, backend) = Create("2.11");
            nova.On(r => r.Method == HttpMethod.Put, _ => FakeNova.Json(200, "{\"service\": {}}"));
            var s = await backend.ResolveAsync(ServiceRef.ByHost("host1"), None);
            await backend.UpdateAsync(s, new ServiceChange("disabled", "fenced", true), None);
            var puts = nova.ComputeRequests.Where(r => r.Method == HttpMethod.Put).ToList();
            Assert.Equal(new[] { "/v2.1/os-services/force-down", "/v2.1/os-services/disable-log-reason" }, puts.Select(p => p.PathAndQuery));
            Assert.Equal("{\"host\":\"host1\",\"binary\":\"nova-compute\",\"forced_down\":true}", puts[0].Body);
            Assert.All(nova.ComputeRequests, r => Assert.Equal("compute 2.11", r.Header("OpenStack-API-Version")));
        }

        [Fact]
        public async Task At_2_1_forced_down_is_refused_without_sending_anything()
        {
            var (nova, backend) = Create("2.1");
            var s = await backend.ResolveAsync(ServiceRef.ByHost("host1"), None);
            var before = nova.Requests.Count;
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.UpdateAsync(s, new ServiceChange("disabled", null, true), None));
            Assert.Equal(ErrorIds.ApiVersionNotSupported, ex.ErrorId);
            Assert.Equal(FailureKind.NotSupported, ex.Kind);
            Assert.Contains("2.11", ex.Message);
            Assert.Equal(before, nova.Requests.Count);
        }

        public static TheoryData<int, string, string, string, FailureKind> Errors => new()
        {
            { 409, "conflictingRequest", "Unable to delete compute service that is hosting instances. Migrate or delete the instances first.", ErrorIds.ServiceHostingInstances, FailureKind.Busy },
            { 409, "conflictingRequest", "Unable to delete compute service that has in-progress migrations. Complete the migrations or delete the instances first.", ErrorIds.ServiceHasInProgressMigrations, FailureKind.Busy },
            { 404, "itemNotFound", "Service e81d66a4-ddd3-4aba-8a84-171d1cb4d339 not found.", ErrorIds.ServiceNotFound, FailureKind.NotFound },
            { 400, "badRequest", "Invalid uuid e81d66a4", ErrorIds.InvalidServiceId, FailureKind.InvalidArgument },
            { 400, "badRequest", "Invalid input received: id must be an integer", ErrorIds.InvalidServiceId, FailureKind.InvalidArgument },
            { 403, "forbidden", "Policy doesn't allow os_compute_api:os-services:delete to be performed.", ErrorIds.PermissionDenied, FailureKind.PermissionDenied },
            { 500, "computeFault", "Unexpected API Error.", ErrorIds.NovaRequestFailed, FailureKind.ServerError },
            { 406, "computeFault", "Version 2.99 is not supported by the API. Minimum is 2.1 and maximum is 2.93.", ErrorIds.ApiVersionNotSupported, FailureKind.NotSupported },
        };

        [Theory]
        [MemberData(nameof(Errors))]
        public async Task Delete_maps_Nova_faults(int status, string fault, string message, string errorId, FailureKind kind)
        {
            var (nova, backend) = Create("2.53");
            nova.On(r => r.Method == HttpMethod.Delete, _ => FakeNova.Fault(status, fault, message, "req-7e1"));
            var s = await backend.ResolveAsync(ServiceRef.ByHost("host1"), None);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.DeleteAsync(s, None));
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Equal(kind, ex.Kind);
            Assert.Equal(status, ex.StatusCode);
            Assert.Equal("req-7e1", ex.RequestId);
            Assert.Equal(message, ex.ServerMessage);
            Assert.Equal($"{message} (HTTP {status}, request req-7e1)", ex.Message);
            Assert.Single(nova.ComputeRequests, r => r.Method == HttpMethod.Delete); // never retried
        }

        public static TheoryData<string, string> PutErrors => new()
        {
            { "Updating a nova-scheduler service is not supported. Only nova-compute services can be updated.", ErrorIds.ServiceUpdateNotSupported },
            { "Unable to force up host host1 as `done` evacuation migration records remain associated with the host. Ensure the compute service has been restarted, allowing these records to move to `completed` before retrying this request.", ErrorIds.ServiceHasPendingEvacuations },
            { "Invalid input for field/attribute disabled_reason. Value: . '' is too short", ErrorIds.InvalidServiceUpdate },
        };

        [Theory]
        [MemberData(nameof(PutErrors))]
        public async Task Update_maps_Nova_400s(string message, string errorId)
        {
            var (nova, backend) = Create("2.53");
            nova.On(r => r.Method == HttpMethod.Put, r => FakeNova.Fault(400, "badRequest", message, "req-400"));
            var s = await backend.ResolveAsync(ServiceRef.ByHost("host1"), None);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.UpdateAsync(s, ServiceChange.SetForcedDown(false), None));
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Equal("req-400", ex.RequestId);
            if (errorId == ErrorIds.InvalidServiceUpdate) Assert.Equal("disabled_reason", ex.Target);
        }

        [Fact]
        public async Task Delete_sends_the_uuid_and_resolves_when_the_id_does_not_fit()
        {
            var (nova, backend) = Create("2.53");
            nova.On(r => r.Method == HttpMethod.Delete, _ => FakeNova.Json(204, ""));
            var fromLegacy = new ComputeService("2", "nova-compute", "host1", null, "enabled", "up", null, null, null);
            await backend.DeleteAsync(fromLegacy, None);
            Assert.Equal("/v2.1/os-services/" + Host1ComputeUuid, nova.ComputeRequests.Last().PathAndQuery);
        }

        [Fact]
        public async Task TestRemoval_reads_instances_and_in_progress_migrations()
        {
            var (nova, backend) = Create("2.53");
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/servers/detail" && !r.Uri.Query.Contains("marker"), _ => FakeNova.Json(200,
                "{\"servers\": [{\"id\": \"a1\", \"name\": \"vm-a\", \"status\": \"ACTIVE\", \"OS-EXT-STS:vm_state\": \"active\"}]," +
                " \"servers_links\": [{\"rel\": \"next\", \"href\": \"http://elsewhere/v2.1/servers/detail?all_tenants=1&host=host1&marker=a1\"}]}"));
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/servers/detail" && r.Uri.Query.Contains("marker=a1"), _ => FakeNova.Json(200,
                "{\"servers\": [{\"id\": \"b2\", \"name\": \"vm-b\", \"status\": \"SHUTOFF\"}]}"));
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/os-migrations", _ => FakeNova.Json(200, "{\"migrations\": [" +
                "{\"id\": 1, \"uuid\": \"m-1\", \"source_compute\": \"host1\", \"dest_compute\": \"x\", \"status\": \"finished\", \"migration_type\": \"resize\"}," +
                "{\"id\": 2, \"source_compute\": \"y\", \"dest_compute\": \"host1\", \"status\": \"running\", \"migration_type\": \"live-migration\"}," +
                "{\"id\": 3, \"uuid\": \"m-3\", \"source_compute\": \"host1\", \"dest_compute\": \"x\", \"status\": \"confirmed\"}," +
                "{\"id\": 4, \"uuid\": \"m-4\", \"source_compute\": \"a\", \"dest_compute\": \"b\", \"status\": \"running\"}]}"));
            var s = await backend.ResolveAsync(ServiceRef.ByHost("host1"), None);
            var check = await backend.TestRemovalAsync(s, None);
            Assert.Equal(new[] { "a1", "b2" }, check.Instances.Select(i => i.Id));
            Assert.Equal("active", check.Instances[0].State);
            // The instances block for certain; the migrations name no node (this fake leaves source_node/dest_node out), so
            // they cannot be matched as Nova matches them (host and node), and the check names them.
            Assert.Empty(check.Migrations);
            Assert.Equal(RemovalVerdict.Blocked, check.Verdict);
            Assert.False(check.CanRemove);
            Assert.Contains(check.Warnings, w => w.StartsWith("Also: ", StringComparison.Ordinal) && w.Contains("m-1, 2") && w.Contains("without a compute node"));
            Assert.Contains(nova.ComputeRequests, r => r.PathAndQuery == "/v2.1/servers/detail?all_tenants=1&host=host1");
            Assert.Contains(nova.ComputeRequests, r => r.PathAndQuery == "/v2.1/os-migrations?host=host1");
        }

        [Fact]
        public async Task TestRemoval_surfaces_a_403_and_skips_non_compute_binaries()
        {
            var (nova, backend) = Create("2.53");
            nova.On(r => r.Uri.AbsolutePath == "/v2.1/servers/detail", _ => FakeNova.Fault(403, "forbidden", "Policy doesn't allow os_compute_api:servers:detail:get_all_tenants to be performed."));
            var s = await backend.ResolveAsync(ServiceRef.ByHost("host1"), None);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.TestRemovalAsync(s, None));
            Assert.Equal(ErrorIds.PermissionDenied, ex.ErrorId);

            var scheduler = await backend.ResolveAsync(ServiceRef.ByHost("host1", "nova-scheduler"), None);
            var count = nova.Requests.Count;
            Assert.True((await backend.TestRemovalAsync(scheduler, None)).CanRemove);
            Assert.Equal(count, nova.Requests.Count);
        }
    }
}
