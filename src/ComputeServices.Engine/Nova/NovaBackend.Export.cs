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
        /// <summary>Ten years: the exported states are frozen as Nova reported them (the sandbox does the same).</summary>
        internal const long FrozenServiceDownTime = 10L * 365 * 24 * 3600;
        internal static readonly DateTime LongAgo = new DateTime(2005, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        private const string ExportNamespace = "7a3a52f0-3d0e-4c56-9f5e-6e6f76612d73";

        /// <summary>
        /// Snapshots this Nova as a local inventory: services (uuid and legacy integer id), aggregates, instances per
        /// host (SOFT_DELETED included: they block a delete), migrations that still matter (in progress, and 'done'
        /// evacuations, read at the server's highest microversion), and compute nodes (every page). The inventory
        /// derives state from last_seen_up, so up services get "now", down ones 2005-01-01, and service_down_time is
        /// ten years. Computes of an unreachable cell (no id) are left out with a warning.
        /// </summary>
        public async Task<InventoryDocument> ExportInventoryAsync(CancellationToken cancellationToken)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var now = Connection.UtcNow();
            var services = await ListAsync(ServiceQuery.All, cancellationToken).ConfigureAwait(false);
            var repeated = new List<long>();
            var legacy = UsesUuids ? await ListLegacyIdsAsync(repeated, cancellationToken).ConfigureAwait(false) : null;
            if (!UsesUuids)
                repeated.AddRange(services.Where(s => NovaJson.IsInteger(s.Id)).GroupBy(s => long.Parse(s.Id!, System.Globalization.CultureInfo.InvariantCulture))
                    .Where(g => g.Count() > 1).Select(g => g.Key));

            var document = new InventoryDocument();
            var unreachable = await UnreachableCellHostsAsync(cancellationToken).ConfigureAwait(false);
            unreachable = unreachable.Union(services.Where(s => s.IsDownCell).Select(s => s.Host), StringComparer.Ordinal).ToList();
            if (unreachable.Count > 0 || repeated.Count > 0)
                document.Snapshot = new SnapshotRecord
                {
                    TakenAt = now, CellUnreachable = unreachable.Count > 0, UnreachableHosts = unreachable, RepeatedLegacyIds = repeated.Distinct().OrderBy(i => i).ToList(),
                };
            document.Settings.ServiceDownTime = FrozenServiceDownTime;
            var usedIds = new HashSet<long>(legacy?.Values ?? Enumerable.Empty<long>());
            long nextId = usedIds.Count == 0 ? 1 : usedIds.Max() + 1;
            var assigned = new HashSet<long>();
            foreach (var s in services)
            {
                if (s.IsDownCell || string.IsNullOrEmpty(s.Id))
                {
                    Log.Warning($"Not exported: {s.Binary} on {s.Host} is in an unreachable cell (status UNKNOWN).");
                    continue;
                }
                string uuid;
                long id;
                if (UsesUuids)
                {
                    uuid = s.Id!;
                    // Integer ids are per cell: two cells can both have an id 2. The inventory needs them unique.
                    id = legacy != null && legacy.TryGetValue(Key(s.Host, s.Binary), out var l) && assigned.Add(l) ? l : NextFree(assigned, ref nextId);
                }
                else
                {
                    id = long.Parse(s.Id!, System.Globalization.CultureInfo.InvariantCulture);
                    uuid = StableUuid.Create(ExportNamespace, "service:" + s.Host + "/" + s.Binary);
                }
                document.Services.Add(new ServiceRecord
                {
                    Id = id,
                    Uuid = uuid,
                    Binary = s.Binary,
                    Host = s.Host,
                    Disabled = s.Status == ServiceStatus.Disabled,
                    DisabledReason = s.DisabledReason,
                    ForcedDown = s.ForcedDown ?? false,
                    LastSeenUp = s.State == ServiceState.Up ? now : LongAgo,
                    UpdatedAt = s.UpdatedAt,
                });
            }

            var computeHosts = document.Services.Where(s => s.Binary == ServiceBinaries.Compute).Select(s => s.Host).Distinct().ToList();
            document.Aggregates.AddRange(await ListAggregatesAsync(cancellationToken).ConfigureAwait(false));
            document.Migrations.AddRange((await ListMigrationsAsync(null, cancellationToken).ConfigureAwait(false))
                .Where(m => ServiceRules.IsInProgress(m.Status) || (m.Status == "done" && m.MigrationType == "evacuation")));
            document.ComputeNodes.AddRange(await ListComputeNodesAsync(computeHosts, document, now, cancellationToken).ConfigureAwait(false));
            await MarkHiddenNodesAsync(computeHosts, document, now, cancellationToken).ConfigureAwait(false);
            if (document.Snapshot?.CellUnreachable == true)
                Log.Warning($"This snapshot was taken with a cell unreachable: {DescribeUnreachable(document.Snapshot.UnreachableHosts)}. " +
                            "Its computes are not in it; the file's 'snapshot' section says so.");
            if (document.Snapshot?.HostsWithAssumedNodes.Count > 0)
                Log.Warning($"The compute nodes of {document.Snapshot.HostsWithAssumedNodes.Count} hosts could not be listed (os-hypervisors failed, or hides " +
                            "them) and are assumed; the pre-flight on this file says Undetermined where they would decide (the 'snapshot' section lists the hosts).");
            document.Instances.AddRange(await ListAllInstancesAsync(computeHosts, cancellationToken).ConfigureAwait(false));
            return document;
        }

        private static string Key(string host, string binary) => binary + "@" + host;

        private static long NextFree(HashSet<long> assigned, ref long nextId)
        {
            while (!assigned.Add(nextId)) nextId++;
            return nextId++;
        }

        /// <summary>Below 2.53 Nova shows the integer ids; matched to the uuids by host and binary.</summary>
        private async Task<Dictionary<string, long>> ListLegacyIdsAsync(List<long> repeated, CancellationToken cancellationToken)
        {
            var response = await SendAsync(HttpMethod.Get, "os-services", null, cancellationToken, new Microversion(2, 52))
                .ConfigureAwait(false);
            using var doc = response.Json();
            var result = new Dictionary<string, long>(StringComparer.Ordinal);
            var seen = new HashSet<long>();
            foreach (var s in NovaJson.Services(doc.RootElement, Description))
            {
                if (!long.TryParse(s.Id, out var id)) continue;
                result[Key(s.Host, s.Binary)] = id;
                if (!seen.Add(id)) repeated.Add(id);
            }
            return result;
        }

        private async Task<List<AggregateRecord>> ListAggregatesAsync(CancellationToken cancellationToken)
        {
            var response = await SendAsync(HttpMethod.Get, "os-aggregates", null, cancellationToken).ConfigureAwait(false);
            using var doc = response.Json();
            var result = new List<AggregateRecord>();
            foreach (var a in NovaJson.Array(doc.RootElement, "aggregates"))
            {
                var record = new AggregateRecord { Uuid = NovaJson.String(a, "uuid"), Name = NovaJson.String(a, "name") ?? "" };
                if (a.TryGetProperty("hosts", out var hosts) && hosts.ValueKind == System.Text.Json.JsonValueKind.Array)
                    record.Hosts.AddRange(hosts.EnumerateArray().Where(h => h.ValueKind == System.Text.Json.JsonValueKind.String).Select(h => h.GetString()!));
                if (a.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == System.Text.Json.JsonValueKind.Object)
                    foreach (var p in metadata.EnumerateObject())
                        if (p.Value.ValueKind == System.Text.Json.JsonValueKind.String) record.Metadata[p.Name] = p.Value.GetString()!;
                result.Add(record);
            }
            return result;
        }

        /// <summary>
        /// Compute nodes from os-hypervisors (every page). When that fails (e.g. a down cell), one node per compute host,
        /// named after it, plus every node a kept migration names on a compute host: the snapshot then blocks a delete
        /// as the remote pre-flight does without nodes (host alone), never less than Nova would.
        /// </summary>
        private async Task<List<ComputeNodeRecord>> ListComputeNodesAsync(List<string> computeHosts, InventoryDocument document, DateTime now,
            CancellationToken cancellationToken)
        {
            var migrations = document.Migrations;
            try
            {
                // Shared with the pre-flight of this backend: at 1,000 nodes a listing takes minutes.
                Task<List<ComputeNodeRecord>> all;
                lock (_hypervisorsLock) all = _hypervisors ??= ListHypervisorsAsync(cancellationToken);
                return (await all.ConfigureAwait(false)).Select(n => n.Copy()).ToList();
            }
            catch (ComputeServiceException ex) when (ex.Kind == FailureKind.ServerError || ex.Kind == FailureKind.NotFound || ex.StatusCode == 404)
            {
                Log.Warning($"GET /os-hypervisors/detail failed ({ex.Message}); assuming one compute node per compute host, " +
                                       "named after the host, and the nodes its migrations name.");
                var hosts = new HashSet<string>(computeHosts, StringComparer.Ordinal);
                document.Snapshot ??= new SnapshotRecord { TakenAt = now, CellUnreachable = ex.Kind == FailureKind.ServerError };
                document.Snapshot.HostsWithAssumedNodes.AddRange(computeHosts.OrderBy(h => h, StringComparer.Ordinal));
                return computeHosts.Select(h => (Host: h, Node: h))
                    .Concat(migrations.Select(m => (Host: m.SourceCompute ?? "", Node: m.SourceNode ?? "")))
                    .Concat(migrations.Select(m => (Host: m.DestCompute ?? "", Node: m.DestNode ?? "")))
                    .Where(n => hosts.Contains(n.Host) && n.Node.Length > 0)
                    .Distinct()
                    .Select(n => new ComputeNodeRecord
                    {
                        Host = n.Host, HypervisorHostname = n.Node, Uuid = StableUuid.Create(ExportNamespace, "compute_node:" + n.Host + "/" + n.Node),
                    }).ToList();
            }
        }

        /// <summary>
        /// A compute host without a listed node whose in-progress migrations name nodes os-hypervisors may hide (a host
        /// without host mapping): the snapshot gets those nodes, marked as assumed, so its pre-flight says Undetermined as
        /// the cloud's does, never Removable.
        /// </summary>
        private async Task MarkHiddenNodesAsync(List<string> computeHosts, InventoryDocument document, DateTime now, CancellationToken cancellationToken)
        {
            var withNodes = new HashSet<string>(document.ComputeNodes.Select(n => n.Host), StringComparer.Ordinal);
            var inProgress = document.Migrations.Where(m => ServiceRules.IsInProgress(m.Status)).ToList();
            foreach (var host in computeHosts.Where(h => !withNodes.Contains(h)))
            {
                var named = inProgress.Where(m => MigrationMatching.NodesNamedFor(m, host).Any()).ToList();
                if (named.Count == 0 || await HiddenNodeReasonAsync(host, named, cancellationToken).ConfigureAwait(false) == null) continue;
                document.Snapshot ??= new SnapshotRecord { TakenAt = now };
                document.Snapshot.HostsWithAssumedNodes.Add(host);
                foreach (var node in named.SelectMany(m => MigrationMatching.NodesNamedFor(m, host)).Distinct(StringComparer.Ordinal))
                    document.ComputeNodes.Add(new ComputeNodeRecord
                    {
                        Host = host, HypervisorHostname = node, Uuid = StableUuid.Create(ExportNamespace, "compute_node:" + host + "/" + node),
                    });
            }
        }

        private async Task<List<InstanceRecord>> ListAllInstancesAsync(List<string> computeHosts, CancellationToken cancellationToken)
        {
            try
            {
                return (await ListBlockingInstancesAsync(null, cancellationToken).ConfigureAwait(false)).Where(i => !string.IsNullOrEmpty(i.Host)).ToList();
            }
            catch (ComputeServiceException ex) when (ex.Kind == FailureKind.ServerError)
            {
                Log.Warning($"GET /servers/detail failed ({ex.Message}); listing instances host by host.");
                var result = new List<InstanceRecord>();
                foreach (var host in computeHosts)
                    result.AddRange(await ListBlockingInstancesAsync(host, cancellationToken).ConfigureAwait(false));
                return result;
            }
        }
    }
}
