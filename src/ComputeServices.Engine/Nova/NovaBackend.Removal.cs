using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Inventory;
using ComputeServices.Rules;

namespace ComputeServices.Nova
{
    public sealed partial class NovaBackend
    {
        private const int MaxPages = 1000;
        private const string SoftDeletedVmState = "soft-delete";
        private const string SoftDeletedStatus = "soft_deleted";

        /// <summary>
        /// What would block deleting the service, read from Nova's own APIs as Nova's DELETE checks it: every
        /// non-deleted instance on the host (SOFT_DELETED included), then the in-progress migrations per compute node of
        /// the host (source host+node or destination host+node), skipped when the host has no compute node. Where no client
        /// can tell what Nova would answer (a cell is unreachable, a node os-hypervisors hides, the host name in two cells)
        /// the verdict is Undetermined with the reason, never Removable.
        /// </summary>
        public async Task<RemovalCheck> TestRemovalAsync(ComputeService service, CancellationToken cancellationToken)
        {
            if (service == null) throw new ArgumentNullException(nameof(service));
            if (service.IsDownCell) throw CellUnreachable(service, "check whether Nova would delete");
            if (!string.Equals(service.Binary, ServiceBinaries.Compute, StringComparison.Ordinal))
                return new RemovalCheck(service, Array.Empty<InstanceSummary>(), Array.Empty<MigrationSummary>());

            CountRemovalCheck();
            var instances = (await InstancesForCheckAsync(service.Host, cancellationToken).ConfigureAwait(false))
                .Select(i => new InstanceSummary(i.Uuid, i.Name, i.VmState)).ToList();

            var hostMigrations = (await MigrationsForCheckAsync(service.Host, cancellationToken).ConfigureAwait(false))
                .Where(m => ServiceRules.IsInProgress(m.Status)).ToList();
            // One host: os-hypervisors is asked only for the nodes its migrations name, by name (a full listing of a cloud
            // with 1,000 nodes takes 20-40 s a page, Nova looking up each node's service). Many hosts: one full listing per
            // backend, every page, so that the cost stays a fixed number of listings.
            var bulk = UseBulkListings();
            var (nodes, nodeDoubt) = bulk
                ? (await ListNodesOfHostAsync(service.Host, cancellationToken).ConfigureAwait(false), (string?)null)
                : await NamedNodesOfHostAsync(service.Host, hostMigrations, cancellationToken).ConfigureAwait(false);
            var migrations = new List<MigrationSummary>();
            string? undetermined = null;
            if (!UsesUuids)
            {
                var unreachable = await UnreachableCellHostsAsync(cancellationToken).ConfigureAwait(false);
                if (unreachable.Count > 0)
                    undetermined = $"{DescribeUnreachable(unreachable)}: below microversion 2.53 Nova looks the integer id up in every cell and answers 500 " +
                                   "(connect at 2.53 or later, or wait until the cell is back)";
            }
            if (nodes == null)
            {
                // os-hypervisors failed (a cell is unreachable): Nova matches host and node, so host alone proves nothing.
                var byHost = hostMigrations.Where(m => MigrationMatching.RoleOf(m, service.Host, null) != null).ToList();
                if (byHost.Count > 0)
                    undetermined ??= $"{DescribeUnreachable(await UnreachableCellHostsAsync(cancellationToken).ConfigureAwait(false))}, so no client can " +
                                     $"list the compute nodes of {service.Host}: Nova matches migrations by host and node, and may refuse because of " +
                                     string.Join(", ", byHost.Select(m => m.Uuid));
            }
            else
            {
                foreach (var m in hostMigrations)
                {
                    var role = nodes.Count == 0 ? null : MigrationMatching.RoleOf(m, service.Host, nodes);
                    if (role != null) migrations.Add(MigrationMatching.Summarize(m, role));
                }
                if (bulk && nodes.Count == 0)
                    nodeDoubt = await HiddenNodeReasonAsync(service.Host, hostMigrations, cancellationToken).ConfigureAwait(false);
                undetermined ??= nodeDoubt;
            }
            // Nova counts only the instances and migrations of the service's own cell, which no listing shows.
            var twin = instances.Count + hostMigrations.Count > 0
                ? await SameHostInOtherCellsReasonAsync(service, cancellationToken).ConfigureAwait(false)
                : null;
            if (twin != null)
                return new RemovalCheck(service, instances, migrations, undeterminedBecause: undetermined == null ? twin : twin + "; " + undetermined,
                    blockersMayNotCount: true);
            return new RemovalCheck(service, instances, migrations, undeterminedBecause: undetermined);
        }

        /// <summary>The instances Nova's delete check counts: every non-deleted one on the host, SOFT_DELETED included.</summary>
        internal async Task<List<InstanceRecord>> ListBlockingInstancesAsync(string? host, CancellationToken cancellationToken)
        {
            var result = await ListInstancesAsync(host, cancellationToken).ConfigureAwait(false);
            var seen = new HashSet<string>(result.Select(i => i.Uuid), StringComparer.Ordinal);
            result.AddRange((await ListSoftDeletedAsync(host, cancellationToken).ConfigureAwait(false)).Where(i => seen.Add(i.Uuid)));
            return result;
        }

        /// <summary>
        /// <c>GET /servers</c> hides SOFT_DELETED instances; <c>deleted=true</c> shows them, with the deleted ones not yet
        /// archived, which do not count.
        /// </summary>
        private async Task<List<InstanceRecord>> ListSoftDeletedAsync(string? host, CancellationToken cancellationToken)
        {
            try
            {
                var all = await ListServersAsync("servers/detail", host, cancellationToken, ("deleted", "true")).ConfigureAwait(false);
                return all.Where(i => i.VmState == SoftDeletedVmState || i.VmState == SoftDeletedStatus).ToList();
            }
            catch (ComputeServiceException ex) when (ex.Kind == FailureKind.ServerError)
            {
                Log.Warning($"GET /servers/detail?deleted=true failed ({ex.Message}); soft-deleted instances{(host == null ? "" : " on " + host)} are not counted.");
                return new List<InstanceRecord>();
            }
        }

        /// <summary>
        /// Instances on a host (all projects; admin). Falls back to the summary list when the detailed one fails
        /// with a server error, which happens when an instance's network info cache is broken.
        /// </summary>
        internal async Task<List<InstanceRecord>> ListInstancesAsync(string? host, CancellationToken cancellationToken)
        {
            try
            {
                return await ListServersAsync("servers/detail", host, cancellationToken).ConfigureAwait(false);
            }
            catch (ComputeServiceException ex) when (ex.Kind == FailureKind.ServerError && host != null)
            {
                Log.Warning($"GET /servers/detail for host {host} failed ({ex.Message}); using the summary list (no instance status).");
                return await ListServersAsync("servers", host, cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<List<InstanceRecord>> ListServersAsync(string resource, string? host, CancellationToken cancellationToken,
            params (string Name, string? Value)[] extra)
        {
            var parameters = new[] { ("all_tenants", (string?)"1"), ("host", host) }.Concat(extra).ToArray();
            return await ReadPagesAsync(resource, Query(parameters), "servers", "servers_links", null, s =>
            {
                var id = NovaJson.Id(s, "id");
                return (id, id == null ? null : new InstanceRecord
                {
                    Uuid = id,
                    Name = NovaJson.String(s, "name"),
                    Host = NovaJson.String(s, "OS-EXT-SRV-ATTR:host") ?? host,
                    Node = NovaJson.String(s, "OS-EXT-SRV-ATTR:hypervisor_hostname") ?? (resource == "servers" ? host : null),
                    VmState = NovaJson.String(s, "OS-EXT-STS:vm_state") ?? NovaJson.String(s, "status")?.ToLowerInvariant(),
                });
            }, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Migrations involving a host (Nova's <c>host</c> filter matches source or destination); all when host is null.
        /// Read at the highest microversion the server supports, whatever the pin for services: below 2.23 there is no
        /// <c>migration_type</c>, and paging needs 2.59.
        /// </summary>
        internal async Task<List<MigrationRecord>> ListMigrationsAsync(string? host, CancellationToken cancellationToken)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            return await ReadPagesAsync("os-migrations", Query(("host", host)), "migrations", "migrations_links", HighestVersion, m =>
            {
                var id = NovaJson.String(m, "uuid") ?? NovaJson.Id(m, "id");
                return (id, id == null ? null : new MigrationRecord
                {
                    Uuid = id,
                    InstanceUuid = NovaJson.String(m, "instance_uuid"),
                    MigrationType = NovaJson.String(m, "migration_type"),
                    Status = NovaJson.String(m, "status") ?? "",
                    SourceCompute = NovaJson.String(m, "source_compute"),
                    SourceNode = NovaJson.String(m, "source_node"),
                    DestCompute = NovaJson.String(m, "dest_compute"),
                    DestNode = NovaJson.String(m, "dest_node"),
                });
            }, cancellationToken, markerFrom: HighestVersion >= MigrationsPagingVersion).ConfigureAwait(false);
        }

        // One hypervisor listing per backend, i.e. per cmdlet invocation, however many services are checked.
        private readonly object _hypervisorsLock = new object();
        private Task<List<ComputeNodeRecord>>? _hypervisors;

        /// <summary>The compute nodes of a host (an empty list when it has none); null when os-hypervisors cannot tell.</summary>
        private async Task<List<string>?> ListNodesOfHostAsync(string host, CancellationToken cancellationToken)
        {
            try
            {
                Task<List<ComputeNodeRecord>> all;
                lock (_hypervisorsLock) all = _hypervisors ??= ListHypervisorsAsync(cancellationToken);
                return (await all.ConfigureAwait(false))
                    .Where(n => string.Equals(n.Host, host, StringComparison.Ordinal))
                    .Select(n => n.HypervisorHostname).ToList();
            }
            catch (ComputeServiceException ex) when (ex.Kind == FailureKind.ServerError || ex.Kind == FailureKind.NotFound || ex.StatusCode == 404)
            {
                // Not a warning of its own: the check's Warnings say it when a migration was matched by host alone.
                Log.Verbose($"GET /os-hypervisors/detail failed ({ex.Message}); matching migrations of {host} by host only.");
                return null;
            }
        }

        /// <summary>Every compute node (hypervisor) with the host of its service, following <c>hypervisors_links</c>.</summary>
        internal async Task<List<ComputeNodeRecord>> ListHypervisorsAsync(CancellationToken cancellationToken)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            return await ReadPagesAsync("os-hypervisors/detail", "", "hypervisors", "hypervisors_links", HypervisorVersion, h =>
            {
                var name = NovaJson.String(h, "hypervisor_hostname") ?? "";
                var id = NovaJson.Id(h, "id");
                var host = h.TryGetProperty("service", out var svc) ? NovaJson.String(svc, "host") : null;
                return (id ?? name, name.Length == 0 ? null : new ComputeNodeRecord
                {
                    Host = host ?? name,
                    HypervisorHostname = name,
                    Uuid = NovaJson.IsUuidLike(id) ? id! : StableUuid.Create(ExportNamespace, "compute_node:" + name),
                });
            }, cancellationToken, markerFrom: HypervisorVersion >= HypervisorsPagingVersion).ConfigureAwait(false);
        }

        /// <summary>
        /// From 2.88 the detailed hypervisor list asks every compute for its uptime over RPC (slow on a large cloud, and
        /// a 500 when one does not answer); 2.87 has the host of each node without that, and pages from 2.33.
        /// </summary>
        private Microversion HypervisorVersion
            => HighestVersion > LastHypervisorVersionWithoutUptime ? LastHypervisorVersionWithoutUptime : HighestVersion;

        private static readonly Microversion LastHypervisorVersionWithoutUptime = new Microversion(2, 87);
        /// <summary>Paging (limit, marker) of os-hypervisors and os-migrations starts at these microversions.</summary>
        private static readonly Microversion HypervisorsPagingVersion = new Microversion(2, 33);
        private static readonly Microversion MigrationsPagingVersion = new Microversion(2, 59);

        private Microversion HighestVersion
            => Connection.ServerMaxVersion > MicroversionNegotiator.ClientMax ? MicroversionNegotiator.ClientMax : Connection.ServerMaxVersion;

        /// <summary>
        /// Reads a paged collection: follows the rel=next link in <paramref name="linksProperty"/>. Nova builds a page from its
        /// limit and then drops items (os-hypervisors: nodes whose host has no mapping or service; os-migrations: hidden
        /// rows), so a short page without a next link does not mean the end: with <paramref name="markerFrom"/> set, paging
        /// goes on by marker (the last item's key) until a page is empty. Stops too when a page brings nothing new (a server
        /// that ignores the marker). <paramref name="read"/> gives each item's key (items seen before are skipped) and the
        /// record (null: not kept).
        /// </summary>
        private async Task<List<T>> ReadPagesAsync<T>(string resource, string query, string property, string linksProperty, Microversion? version,
            Func<System.Text.Json.JsonElement, (string? Key, T? Item)> read, CancellationToken cancellationToken, bool markerFrom = false) where T : class
        {
            var result = new List<T>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var first = query.TrimStart('?');
            string? next = first;
            var probing = false;
            for (var page = 0; page < MaxPages && next != null; page++)
            {
                var path = resource + (next.Length == 0 ? "" : "?" + next);
                var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken, version, throwOnError: !probing).ConfigureAwait(false);
                // A server that takes no marker (a proxy, an older API) ends the listing where its links did.
                if (probing && response.StatusCode >= 400 && response.StatusCode < 500) break;
                if (probing && response.StatusCode >= 400)
                    response = await SendAsync(HttpMethod.Get, path, null, cancellationToken, version).ConfigureAwait(false);
                using var doc = response.Json();
                var added = 0;
                string? lastKey = null;
                foreach (var item in NovaJson.Array(doc.RootElement, property))
                {
                    var (key, record) = read(item);
                    if (key == null || !seen.Add(key)) continue;
                    added++;
                    lastKey = key;
                    if (record != null) result.Add(record);
                }
                var linked = added == 0 ? null : NovaJson.NextQuery(doc.RootElement, linksProperty);
                probing = added > 0 && linked == null && markerFrom;
                next = linked ?? (probing ? (first.Length == 0 ? "" : first + "&") + "marker=" + Uri.EscapeDataString(lastKey!) : null);
            }
            return result;
        }

        /// <summary>A 2.69 record of a compute in a cell Nova cannot reach: it has no id, and nothing can be done to it.</summary>
        internal static ComputeServiceException CellUnreachable(ComputeService service, string what)
            => new ComputeServiceException(ErrorIds.CellUnreachable, FailureKind.ConnectionError,
                $"The cell of host {service.Host} is unreachable (status UNKNOWN): Nova shows no id for {service.Binary} there, so it cannot {what}.")
            {
                Target = service,
                RecommendedAction = "Wait until the cell's database and message queue are reachable again (Get-ComputeService shows the full record), then retry.",
            };
    }
}
