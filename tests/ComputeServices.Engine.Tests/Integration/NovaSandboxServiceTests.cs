using System;
using System.Linq;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using Xunit;

namespace ComputeServices.Tests.Integration
{
    [Collection(SandboxCollection.Name)]
    public class NovaSandboxServiceTests
    {
        private static readonly CancellationToken None = CancellationToken.None;
        private const string Uuid = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
        // An enabled, up compute that no delete test touches; every change to it is restored.
        private const string MutableHost = "compute-busy-02";

        [SandboxTheory]
        [InlineData("2.1")]
        [InlineData("2.11")]
        [InlineData("2.53")]
        [InlineData(null)]
        public async Task Lists_with_host_and_binary_filters_at_each_microversion(string? pin)
        {
            using var backend = Sandbox.Backend(pin);
            await backend.Connection.ConnectAsync(None);
            var version = Microversion.Parse(backend.Connection.ApiVersion!);
            Assert.Equal(pin ?? backend.Connection.MaxApiVersion, backend.Connection.ApiVersion);

            var s = Assert.Single(await backend.ListAsync(new ServiceQuery("compute-busy-01", "nova-compute"), None));
            Assert.Equal("az-east", s.Zone);
            Assert.Equal("up", s.State);
            Assert.NotNull(s.UpdatedAt);
            if (version >= new Microversion(2, 53)) Assert.Matches(Uuid, s.Id);
            else Assert.Matches("^[0-9]+$", s.Id);
            if (version >= new Microversion(2, 11)) Assert.False(s.ForcedDown);
            else Assert.Null(s.ForcedDown);

            var schedulers = await backend.ListAsync(new ServiceQuery(binary: "nova-scheduler"), None);
            Assert.Equal(new[] { "controller-01", "controller-02" }, schedulers.Select(x => x.Host).OrderBy(h => h));
            Assert.All(schedulers, x => Assert.Equal("internal", x.Zone));
            Assert.Empty(await backend.ListAsync(new ServiceQuery("no-such-host"), None));
        }

        [SandboxTheory]
        [InlineData("2.1")]
        [InlineData("2.11")]
        [InlineData("2.53")]
        [InlineData(null)]
        public async Task Disables_with_a_reason_then_enables(string? pin)
        {
            using var backend = Sandbox.Backend(pin);
            var s = await backend.ResolveAsync(ServiceRef.ByHost(MutableHost), None);
            try
            {
                var reason = "integration test " + (pin ?? "max");
                var disabled = await backend.UpdateAsync(s, ServiceChange.Disable(reason), None);
                Assert.Equal("disabled", disabled.Status);
                Assert.Equal(reason, disabled.DisabledReason);
                Assert.Equal(s.Id, disabled.Id);

                var plain = await backend.UpdateAsync(s, ServiceChange.Disable(), None);
                Assert.Equal("disabled", plain.Status);
                Assert.Null(plain.DisabledReason); // Nova clears the reason
            }
            finally
            {
                var enabled = await backend.UpdateAsync(s, ServiceChange.Enable(), None);
                Assert.Equal("enabled", enabled.Status);
                Assert.Null(enabled.DisabledReason);
            }
        }

        [SandboxTheory]
        [InlineData("2.11")]
        [InlineData("2.53")]
        [InlineData(null)]
        public async Task Forces_down_and_up(string? pin)
        {
            using var backend = Sandbox.Backend(pin);
            var s = await backend.ResolveAsync(ServiceRef.ByHost(MutableHost), None);
            try
            {
                var down = await backend.UpdateAsync(s, new ServiceChange("disabled", "fencing", true), None);
                Assert.True(down.ForcedDown);
                Assert.Equal("down", down.State);
                Assert.Equal("disabled", down.Status);
                Assert.Equal("fencing", down.DisabledReason);
            }
            finally
            {
                var up = await backend.UpdateAsync(s, new ServiceChange("enabled", null, false), None);
                Assert.False(up.ForcedDown);
                Assert.Equal("up", up.State);
                Assert.Equal("enabled", up.Status);
            }
        }

        [SandboxFact]
        public async Task At_2_1_forced_down_is_refused_client_side()
        {
            using var backend = Sandbox.Backend("2.1");
            var s = await backend.ResolveAsync(ServiceRef.ByHost(MutableHost), None);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.UpdateAsync(s, ServiceChange.SetForcedDown(true), None));
            Assert.Equal(ErrorIds.ApiVersionNotSupported, ex.ErrorId);
            Assert.False((await Sandbox.Backend("2.11").ResolveAsync(ServiceRef.ByHost(MutableHost), None)).ForcedDown);
        }

        [SandboxTheory]
        [InlineData("2.1", "compute-busy-01", ErrorIds.ServiceHostingInstances)]
        [InlineData("2.53", "compute-busy-01", ErrorIds.ServiceHostingInstances)]
        [InlineData("2.53", "compute-resize-src", ErrorIds.ServiceHasInProgressMigrations)]
        [InlineData(null, "compute-live-dst", ErrorIds.ServiceHasInProgressMigrations)]
        public async Task Delete_is_refused_with_409(string? pin, string host, string errorId)
        {
            using var backend = Sandbox.Backend(pin);
            var s = await backend.ResolveAsync(ServiceRef.ByHost(host), None);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.DeleteAsync(s, None));
            if (pin == "2.1" && DownCellAnswers500(ex)) return;
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Equal(FailureKind.Busy, ex.Kind);
            Assert.Equal(409, ex.StatusCode);
            Assert.Matches("^req-", ex.RequestId);
            Assert.Contains(ex.ServerMessage!, ex.Message);
            Assert.Contains(host, ex.RecommendedAction);
        }

        [SandboxTheory]
        [InlineData("2.11")]
        [InlineData("2.53")]
        public async Task Forcing_up_a_host_with_done_evacuations_is_refused(string pin)
        {
            using var backend = Sandbox.Backend(pin);
            var s = await backend.ResolveAsync(ServiceRef.ByHost("compute-evacuated"), None);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.UpdateAsync(s, ServiceChange.SetForcedDown(false), None));
            Assert.Equal(ErrorIds.ServiceHasPendingEvacuations, ex.ErrorId);
            Assert.Equal(400, ex.StatusCode);
            Assert.StartsWith("Unable to force up host compute-evacuated", ex.ServerMessage);
            Assert.True((await backend.ResolveAsync(ServiceRef.ByHost("compute-evacuated"), None)).ForcedDown);
        }

        [SandboxTheory]
        [InlineData("2.11")]
        [InlineData("2.53")]
        public async Task Updating_a_scheduler_is_not_supported(string pin)
        {
            using var backend = Sandbox.Backend(pin);
            var s = await backend.ResolveAsync(ServiceRef.ByHost("controller-01", "nova-scheduler"), None);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.UpdateAsync(s, ServiceChange.Disable(), None));
            Assert.Equal(ErrorIds.ServiceUpdateNotSupported, ex.ErrorId);
            Assert.Equal("Updating a nova-scheduler service is not supported. Only nova-compute services can be updated.", ex.ServerMessage);
        }

        [SandboxFact]
        public async Task Bad_input_is_refused_client_side_and_server_side()
        {
            using var backend = Sandbox.Backend();
            var s = await backend.ResolveAsync(ServiceRef.ByHost(MutableHost), None);
            var tooLong = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.UpdateAsync(s, ServiceChange.Disable(new string('r', 256)), None));
            Assert.Equal(ErrorIds.InvalidServiceUpdate, tooLong.ErrorId);
            Assert.Null(tooLong.StatusCode);

            var badId = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ResolveAsync(ServiceRef.ById("7"), None));
            Assert.Equal(ErrorIds.InvalidServiceId, badId.ErrorId);

            // The server's own answers for the same mistakes.
            var serverBadId = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.Connection.SendAsync(HttpMethod.Delete, "os-services/7", null, None));
            Assert.Equal(ErrorIds.InvalidServiceId, serverBadId.ErrorId);
            Assert.Equal("Invalid uuid 7", serverBadId.ServerMessage);
            var serverTooLong = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.Connection.SendAsync(HttpMethod.Put, "os-services/" + s.Id,
                new System.Collections.Generic.Dictionary<string, object> { ["status"] = "disabled", ["disabled_reason"] = new string('r', 256) }, None));
            Assert.Equal(ErrorIds.InvalidServiceUpdate, serverTooLong.ErrorId);
            Assert.Equal("disabled_reason", serverTooLong.Target);
            Assert.Equal("enabled", (await backend.ResolveAsync(ServiceRef.ByHost(MutableHost), None)).Status);
        }

        [SandboxFact]
        public async Task Unknown_services_are_404s()
        {
            using var backend = Sandbox.Backend();
            var byHost = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ResolveAsync(ServiceRef.ByHost("no-such-host"), None));
            Assert.Equal(ErrorIds.ServiceNotFound, byHost.ErrorId);
            var ghost = new ComputeService(Guid.NewGuid().ToString(), "nova-compute", "ghost", null, "enabled", "up", false, null, null);
            var delete = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.DeleteAsync(ghost, None));
            var put = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.UpdateAsync(ghost, ServiceChange.Enable(), None));
            if (!DownCellAnswers500(delete))
            {
                Assert.Equal(ErrorIds.ServiceNotFound, delete.ErrorId);
                Assert.Equal(404, delete.StatusCode);
                Assert.Equal(ErrorIds.ServiceNotFound, put.ErrorId);
            }

            using var legacy = Sandbox.Backend("2.11");
            var legacyGhost = new ComputeService("999", "nova-compute", "no-such-host", null, "enabled", "up", false, null, null);
            var unmapped = await Assert.ThrowsAsync<ComputeServiceException>(() => legacy.UpdateAsync(legacyGhost, ServiceChange.Enable(), None));
            Assert.Equal(ErrorIds.ServiceNotFound, unmapped.ErrorId);
            Assert.Contains("no-such-host", unmapped.ServerMessage);
        }

        [SandboxFact]
        public async Task TestRemoval_reports_instances_and_migrations_from_Nova()
        {
            using var backend = Sandbox.Backend();
            var busy = await backend.TestRemovalAsync(await backend.ResolveAsync(ServiceRef.ByHost("compute-busy-01"), None), None);
            Assert.Equal(new[] { "vm-busy1-a", "vm-busy1-b" }, busy.Instances.Select(i => i.Name).OrderBy(n => n));
            Assert.Equal(RemovalVerdict.Blocked, busy.Verdict);
            var dst = await backend.TestRemovalAsync(await backend.ResolveAsync(ServiceRef.ByHost("compute-live-dst"), None), None);
            Assert.Empty(dst.Instances);
            var resize = await backend.TestRemovalAsync(await backend.ResolveAsync(ServiceRef.ByHost("compute-resize-src"), None), None);
            if (Sandbox.DownCellStatus == "on")
            {
                // os-hypervisors fails for everyone while a cell is down: migrations cannot be matched to nodes.
                Assert.All(new[] { dst, resize }, c => Assert.Equal(RemovalVerdict.Undetermined, c.Verdict));
                Assert.StartsWith("cannot be checked: cell unreachable", dst.Reason);
            }
            else
            {
                // SEED_EDGE_CASES adds two running live migrations to compute-busy-01 (it is their destination).
                var live = Assert.Single(busy.Migrations, m => m.Role == "source");
                Assert.Equal("running", live.Status);
                Assert.Equal("destination", Assert.Single(dst.Migrations).Role);
                Assert.Equal("finished", Assert.Single(resize.Migrations).Status);
            }

            var scheduler = await backend.TestRemovalAsync(await backend.ResolveAsync(ServiceRef.ByHost("controller-01", "nova-scheduler"), None), None);
            Assert.True(scheduler.CanRemove);
        }

        /// <summary>The SEED_EDGE_CASES hosts: what Nova's delete check sees although the list APIs hide it.</summary>
        [SandboxFact]
        public async Task TestRemoval_sees_what_Novas_delete_check_sees_on_the_edge_case_hosts()
        {
            using var backend = Sandbox.Backend();
            var softdel = await backend.TestRemovalAsync(await backend.ResolveAsync(ServiceRef.ByHost("compute-softdel"), None), None);
            Assert.Equal("vm-softdeleted", Assert.Single(softdel.Instances).Name);
            Assert.False(softdel.CanRemove);
            foreach (var host in new[] { "compute-nonode", "compute-renamed" })
            {
                var check = await backend.TestRemovalAsync(await backend.ResolveAsync(ServiceRef.ByHost(host), None), None);
                // With a cell down, Nova's os-hypervisors fails for everyone: the nodes are unknown, so the verdict is too.
                if (Sandbox.DownCellStatus == "on") Assert.Equal(RemovalVerdict.Undetermined, check.Verdict);
                else Assert.True(check.CanRemove, host);
            }
        }

        /// <summary>
        /// With a cell down, Nova's lookups that scatter-gather over all cells (a uuid not in the up cells, an integer id)
        /// fail with 500 DBNonExistentDatabase. That is Nova's behaviour, so it is asserted as such when the down cell is on.
        /// </summary>
        private static bool DownCellAnswers500(ComputeServiceException ex)
        {
            if (Sandbox.DownCellStatus != "on") return false;
            Assert.Equal(ErrorIds.NovaRequestFailed, ex.ErrorId);
            Assert.Equal(FailureKind.ServerError, ex.Kind);
            Assert.Equal(500, ex.StatusCode);
            Assert.Matches("^req-", ex.RequestId);
            return true;
        }

        [SandboxFact(requiresDownCell: true)]
        public async Task Down_cell_computes_are_partial_records_from_2_69()
        {
            using var backend = Sandbox.Backend();
            var list = await backend.ListAsync(ServiceQuery.All, None);
            var down = list.Where(s => s.Host.StartsWith("compute-celldown-", StringComparison.Ordinal)).OrderBy(s => s.Host).ToList();
            Assert.Equal(new[] { "compute-celldown-01", "compute-celldown-02" }, down.Select(s => s.Host));
            Assert.All(down, s =>
            {
                Assert.True(s.IsDownCell);
                Assert.Equal("UNKNOWN", s.Status);
                Assert.Null(s.Id); Assert.Null(s.State); Assert.Null(s.Zone); Assert.Null(s.UpdatedAt);
            });
            var one = await backend.ResolveAsync(ServiceRef.ByHost("compute-celldown-01"), None);
            Assert.True(one.IsDownCell);
            // Before the fix: ArgumentNullException from Uri.EscapeDataString(null), and CanRemove=True.
            Assert.Equal(ErrorIds.CellUnreachable, (await Assert.ThrowsAsync<ComputeServiceException>(() => backend.DeleteAsync(one, None))).ErrorId);
            Assert.Equal(ErrorIds.CellUnreachable, (await Assert.ThrowsAsync<ComputeServiceException>(() => backend.TestRemovalAsync(one, None))).ErrorId);

            using var before = Sandbox.Backend("2.68");
            Assert.DoesNotContain(await before.ListAsync(ServiceQuery.All, None), s => s.Host.StartsWith("compute-celldown-", StringComparison.Ordinal));
        }
    }
}
