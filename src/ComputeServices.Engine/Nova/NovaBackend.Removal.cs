using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Inventory;
using ComputeServices.Rules;

namespace ComputeServices.Nova
{
    public sealed partial class NovaBackend
    {
        private const int MaxPages = 1000;

        /// <summary>
        /// What would block deleting the service, from Nova's own APIs: the instances on the host
        /// (<c>/servers/detail?all_tenants=1&amp;host=</c>) and the migrations in progress with the host as source or destination.
        /// </summary>
        public async Task<RemovalCheck> TestRemovalAsync(ComputeService service, CancellationToken cancellationToken)
        {
            if (service == null) throw new ArgumentNullException(nameof(service));
            if (!string.Equals(service.Binary, ServiceBinaries.Compute, StringComparison.Ordinal))
                return new RemovalCheck(service, Array.Empty<InstanceSummary>(), Array.Empty<MigrationSummary>());

            var instances = (await ListInstancesAsync(service.Host, cancellationToken).ConfigureAwait(false))
                .Select(i => new InstanceSummary(i.Uuid, i.Name, i.VmState)).ToList();
            var migrations = new List<MigrationSummary>();
            foreach (var m in await ListMigrationsAsync(service.Host, cancellationToken).ConfigureAwait(false))
            {
                if (!ServiceRules.IsInProgress(m.Status)) continue;
                var isSource = string.Equals(m.SourceCompute, service.Host, StringComparison.Ordinal);
                var isDestination = string.Equals(m.DestCompute, service.Host, StringComparison.Ordinal);
                if (!isSource && !isDestination) continue;
                migrations.Add(new MigrationSummary(m.Uuid, m.Status, m.MigrationType, m.SourceCompute ?? "", m.DestCompute ?? "",
                    isSource ? "source" : "destination"));
            }
            return new RemovalCheck(service, instances, migrations);
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

        private async Task<List<InstanceRecord>> ListServersAsync(string resource, string? host, CancellationToken cancellationToken)
        {
            var result = new List<InstanceRecord>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var query = Query(("all_tenants", "1"), ("host", host)).TrimStart('?');
            for (var page = 0; page < MaxPages && query != null; page++)
            {
                var response = await SendAsync(HttpMethod.Get, resource + "?" + query, null, cancellationToken).ConfigureAwait(false);
                using var doc = response.Json();
                var added = 0;
                foreach (var s in NovaJson.Array(doc.RootElement, "servers"))
                {
                    var id = NovaJson.Id(s, "id");
                    if (id == null || !seen.Add(id)) continue;
                    added++;
                    result.Add(new InstanceRecord
                    {
                        Uuid = id,
                        Name = NovaJson.String(s, "name"),
                        Host = NovaJson.String(s, "OS-EXT-SRV-ATTR:host") ?? host,
                        Node = NovaJson.String(s, "OS-EXT-SRV-ATTR:hypervisor_hostname") ?? (resource == "servers" ? host : null),
                        VmState = NovaJson.String(s, "OS-EXT-STS:vm_state") ?? NovaJson.String(s, "status")?.ToLowerInvariant(),
                    });
                }
                var next = NovaJson.NextQuery(doc.RootElement, "servers_links");
                query = added == 0 ? null : next;
            }
            return result;
        }

        /// <summary>Migrations involving a host (Nova's <c>host</c> filter matches source or destination); all when host is null.</summary>
        internal async Task<List<MigrationRecord>> ListMigrationsAsync(string? host, CancellationToken cancellationToken)
        {
            var result = new List<MigrationRecord>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var query = Query(("host", host)).TrimStart('?');
            for (var page = 0; page < MaxPages && query != null; page++)
            {
                var path = "os-migrations" + (query.Length == 0 ? "" : "?" + query);
                var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
                using var doc = response.Json();
                var added = 0;
                foreach (var m in NovaJson.Array(doc.RootElement, "migrations"))
                {
                    var id = NovaJson.String(m, "uuid") ?? NovaJson.Id(m, "id");
                    if (id == null || !seen.Add(id)) continue;
                    added++;
                    result.Add(new MigrationRecord
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
                }
                var next = NovaJson.NextQuery(doc.RootElement, "migrations_links");
                query = added == 0 ? null : next;
            }
            return result;
        }
    }
}
