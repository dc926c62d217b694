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
    /// <summary>
    /// What a multi-cell cloud hides from the list APIs and Nova's DELETE check still sees: nodes whose host has no host
    /// mapping (os-hypervisors drops them), a host name with a service in two cells, and cells Nova cannot reach.
    /// </summary>
    public sealed partial class NovaBackend
    {
        /// <summary>From this microversion os-services shows a compute of an unreachable cell as a record with status UNKNOWN.</summary>
        internal static readonly Microversion DownCellRecordsVersion = new Microversion(2, 69);
        /// <summary>os-hypervisors takes hypervisor_hostname_pattern from here (and answers 404 when no node matches it).</summary>
        private static readonly Microversion HypervisorPatternVersion = new Microversion(2, 53);

        private readonly object _cellsLock = new object();
        private Task<List<string>>? _unreachableHosts;
        private Task<IReadOnlyList<ComputeService>>? _allServices;

        /// <summary>
        /// The hosts Nova lists with status UNKNOWN (their cell is unreachable), read once per backend at 2.69 or later
        /// whatever the pin; empty when the server is older or the listing fails (the caller then says less, not more).
        /// </summary>
        internal Task<List<string>> UnreachableCellHostsAsync(CancellationToken cancellationToken)
        {
            lock (_cellsLock) return _unreachableHosts ??= ReadUnreachableCellHostsAsync(cancellationToken);
        }

        private async Task<List<string>> ReadUnreachableCellHostsAsync(CancellationToken cancellationToken)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            if (Connection.ServerMaxVersion < DownCellRecordsVersion) return new List<string>();
            try
            {
                var version = Connection.NegotiatedVersion >= DownCellRecordsVersion ? Connection.NegotiatedVersion : DownCellRecordsVersion;
                var response = await SendAsync(HttpMethod.Get, "os-services", null, cancellationToken, version).ConfigureAwait(false);
                IReadOnlyList<ComputeService>? services = NovaServiceReader.TryRead(response.BodyBytes, Description);
                if (services == null)
                {
                    using var doc = response.Json();
                    services = NovaJson.Services(doc.RootElement, Description);
                }
                return services.Where(s => s.IsDownCell).Select(s => s.Host).Distinct(StringComparer.Ordinal).OrderBy(h => h, StringComparer.Ordinal).ToList();
            }
            catch (ComputeServiceException ex) when (ex.Kind == FailureKind.ServerError || ex.Kind == FailureKind.InvalidArgument)
            {
                Log.Verbose($"Listing services at {DownCellRecordsVersion} to find unreachable cells failed ({ex.Message}).");
                return new List<string>();
            }
        }

        /// <summary>"a cell is unreachable (hosts …)": what Nova shows of it. The API names no cell, so its hosts stand for it.</summary>
        internal static string DescribeUnreachable(IReadOnlyCollection<string> hosts)
            => hosts.Count == 0
                ? "os-hypervisors failed (Nova answers 500 there while a cell is unreachable)"
                : $"cell unreachable (the cell of {string.Join(", ", hosts.Take(5))}{(hosts.Count > 5 ? $" and {hosts.Count - 5} more hosts" : "")}, status UNKNOWN)";

        /// <summary>
        /// The host shows no compute node in os-hypervisors, yet in-progress migrations name nodes of it. Nova's DELETE
        /// reads the nodes from the cell database, where a node whose host has no host mapping (no discover_hosts) still is:
        /// ask os-hypervisors for each named node by pattern. 404: no such node anywhere, the migration cannot block.
        /// Anything else: the node may exist hidden, so the answer is not known. Null when nothing is in doubt.
        /// </summary>
        private async Task<string?> HiddenNodeReasonAsync(string host, IReadOnlyList<MigrationRecord> inProgress, CancellationToken cancellationToken)
        {
            var named = inProgress.SelectMany(m => MigrationMatching.NodesNamedFor(m, host).Select(n => (Node: n, Migration: m)))
                .GroupBy(x => x.Node, StringComparer.Ordinal).ToList();
            if (named.Count == 0) return null;
            if (Connection.ServerMaxVersion < HypervisorPatternVersion)
                return $"os-hypervisors shows no compute node of {host}, but in-progress migrations name its nodes " +
                       $"({string.Join(", ", named.Select(g => g.Key))}), and this Nova cannot be asked for a node by name: " +
                       "a node whose host has no host mapping is hidden there but blocks the delete";
            foreach (var group in named)
            {
                var query = Query(("hypervisor_hostname_pattern", group.Key));
                var response = await SendAsync(HttpMethod.Get, "os-hypervisors" + query, null, cancellationToken, HypervisorVersion, throwOnError: false)
                    .ConfigureAwait(false);
                if (response.StatusCode == 404 && response.Body.IndexOf("No hypervisor matching", StringComparison.Ordinal) >= 0) continue;
                var migration = group.First().Migration;
                return response.StatusCode == 200
                    ? $"os-hypervisors hides compute node {group.Key} of {host} (a host without a host mapping, i.e. discover_hosts never ran for it, " +
                      $"is left out there), and the in-progress migration {migration.Uuid} names it: Nova's delete reads the cell database and may refuse"
                    : $"os-hypervisors?hypervisor_hostname_pattern={group.Key} answered {response.StatusCode}, so it is unknown whether the node " +
                      $"that in-progress migration {migration.Uuid} names exists";
            }
            return null;
        }

        /// <summary>
        /// The nodes of <paramref name="host"/> that its in-progress migrations name, each asked for by name (os-hypervisors'
        /// detail with hypervisor_hostname_pattern, from 2.53): listed with this host, it is a node of the host; Nova's 404
        /// "No hypervisor matching", there is none; listed otherwise or not at all, it may be hidden (a host without host
        /// mapping), and the second value says so. Null nodes: os-hypervisors failed (a cell unreachable), or is too old.
        /// </summary>
        private async Task<(List<string>? Nodes, string? Doubt)> NamedNodesOfHostAsync(string host, IReadOnlyList<MigrationRecord> inProgress,
            CancellationToken cancellationToken)
        {
            var named = inProgress.SelectMany(m => MigrationMatching.NodesNamedFor(m, host).Select(n => (Node: n, Migration: m)))
                .GroupBy(x => x.Node, StringComparer.Ordinal).ToList();
            var nodes = new List<string>();
            var nameless = inProgress.Where(m => MigrationMatching.RoleOf(m, host, null) != null && !MigrationMatching.NodesNamedFor(m, host).Any())
                .Select(m => m.Uuid).ToList();
            string? doubt = nameless.Count == 0 ? null
                : $"the in-progress migrations {string.Join(", ", nameless)} name {host} without a compute node, so they cannot be matched as Nova matches them (host and node)";
            if (named.Count == 0) return (nodes, doubt);   // no other migration can match whatever the nodes are
            if (Connection.ServerMaxVersion < HypervisorPatternVersion)
                return (await ListNodesOfHostAsync(host, cancellationToken).ConfigureAwait(false), doubt);
            foreach (var group in named)
            {
                var response = await SendAsync(HttpMethod.Get, "os-hypervisors/detail" + Query(("hypervisor_hostname_pattern", group.Key)), null,
                    cancellationToken, HypervisorVersion, throwOnError: false).ConfigureAwait(false);
                if (response.StatusCode == 404 && response.Body.IndexOf("No hypervisor matching", StringComparison.Ordinal) >= 0) continue;
                if (response.StatusCode != 200)
                {
                    Log.Verbose($"GET os-hypervisors/detail?hypervisor_hostname_pattern={group.Key} answered {response.StatusCode}; the nodes of {host} are unknown.");
                    return (null, null);
                }
                using var doc = response.Json();
                var exact = NovaJson.Array(doc.RootElement, "hypervisors")
                    .Where(h => NovaJson.String(h, "hypervisor_hostname") == group.Key)
                    .Select(h => h.TryGetProperty("service", out var svc) ? NovaJson.String(svc, "host") : null).ToList();
                if (exact.Contains(host)) nodes.Add(group.Key);
                else if (exact.Count == 0)
                    doubt ??= $"os-hypervisors hides compute node {group.Key} of {host} (a host without a host mapping, i.e. discover_hosts never ran for it, " +
                              $"is left out there), and the in-progress migration {group.First().Migration.Uuid} names it: Nova's delete reads the cell database and may refuse";
            }
            return (nodes, doubt);
        }

        /// <summary>
        /// The host name has a nova-compute service in another cell too. Nova counts only the instances and migrations of
        /// the service's own cell; no listing says which cell an instance is in. Null when the host has one service.
        /// </summary>
        private async Task<string?> SameHostInOtherCellsReasonAsync(ComputeService service, CancellationToken cancellationToken)
        {
            IReadOnlyList<ComputeService> all;
            if (UseBulkListings())
            {
                Task<IReadOnlyList<ComputeService>> listing;
                lock (_cellsLock) listing = _allServices ??= ListAsync(ServiceQuery.All, cancellationToken);
                all = await listing.ConfigureAwait(false);
            }
            else all = await ListAsync(new ServiceQuery(service.Host, ServiceBinaries.Compute), cancellationToken).ConfigureAwait(false);
            var same = all.Count(s => s.Host == service.Host && s.Binary == ServiceBinaries.Compute);
            return same < 2 ? null : RecordMatching.SameHostInCellsText(service.Host, same);
        }

        /// <summary>
        /// Nothing matched in the listing. While a cell is unreachable an id may be there (Nova itself answers 500 to a lookup
        /// by id then), and a host Nova lists as UNKNOWN at 2.69 is there (below 2.69 Nova leaves it out): both are
        /// CellUnreachable, naming the microversion that shows the partial records. Otherwise ServiceNotFound.
        /// </summary>
        private async Task<ComputeServiceException> NotFoundOrCellUnreachableAsync(ServiceRef reference, string notFound, CancellationToken cancellationToken)
        {
            var unreachable = await UnreachableCellHostsAsync(cancellationToken).ConfigureAwait(false);
            var inIt = !reference.IsById && unreachable.Contains(reference.Host!);
            // A host name is listed whole by Nova (as UNKNOWN records from 2.69 on): one not among them is not there.
            if (unreachable.Count == 0 || (!reference.IsById && !inIt)) return NotFound(reference, notFound);
            var message = inIt
                ? $"Host {reference.Host} is in a cell Nova cannot reach ({DescribeUnreachable(unreachable)}): below microversion " +
                  $"{DownCellRecordsVersion} Nova leaves its services out of the listing, from {DownCellRecordsVersion} on it shows them with status UNKNOWN and no id."
                : $"{notFound.TrimEnd('.')} in the cells Nova can reach, but a cell is unreachable ({DescribeUnreachable(unreachable)}) and the service may be there: " +
                  $"Nova itself answers 500 to a lookup while a cell is down. Microversion {DownCellRecordsVersion} or later lists that cell's computes.";
            return new ComputeServiceException(ErrorIds.CellUnreachable, FailureKind.ConnectionError, message)
            {
                Target = reference,
                RecommendedAction = "Wait until the cell's database and message queue are reachable again (Get-ComputeService at microversion " +
                                    $"{DownCellRecordsVersion} or later shows full records then), then retry.",
            };
        }
    }
}
