using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace ComputeServices.Inventory
{
    /// <summary>
    /// Look-ups over one parsed document, built once and kept with it: services by uuid (as a value) and by legacy id,
    /// and each host's availability zones. A batch of changes to one document then costs one pass, not one per change.
    /// Changes that move services or aggregates (a delete) must call <see cref="Invalidate"/>.
    /// </summary>
    internal sealed class DocumentIndex
    {
        private static readonly ConditionalWeakTable<InventoryDocument, DocumentIndex> ByDocument = new ConditionalWeakTable<InventoryDocument, DocumentIndex>();

        private DocumentIndex(InventoryDocument document)
        {
            foreach (var s in document.Services)
            {
                if (Guid.TryParse(s.Uuid, out var uuid) && !ByUuid.ContainsKey(uuid)) ByUuid[uuid] = s;
                if (!ByLegacyId.ContainsKey(s.Id)) ByLegacyId[s.Id] = s;
            }
            foreach (var i in document.Instances)
            {
                if (i.Host == null) continue;
                if (!_instancesByHost.TryGetValue(i.Host, out var list)) _instancesByHost[i.Host] = list = new List<InstanceRecord>();
                list.Add(i);
            }
            foreach (var n in document.ComputeNodes)
            {
                if (n.Host == null) continue;
                if (!_nodesByHost.TryGetValue(n.Host, out var list)) _nodesByHost[n.Host] = list = new List<string>();
                list.Add(n.HypervisorHostname);
            }
            foreach (var m in document.Migrations)
                if (Rules.ServiceRules.IsInProgress(m.Status)) InProgressMigrations.Add(m);
            foreach (var aggregate in document.Aggregates)
            {
                if (!aggregate.Metadata.TryGetValue("availability_zone", out var az) || string.IsNullOrEmpty(az)) continue;
                foreach (var host in aggregate.Hosts)
                {
                    if (!ZonesByHost.TryGetValue(host, out var list)) ZonesByHost[host] = list = new List<string>();
                    list.Add(az);
                }
            }
        }

        private readonly Dictionary<string, List<InstanceRecord>> _instancesByHost = new Dictionary<string, List<InstanceRecord>>(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string>> _nodesByHost = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        public Dictionary<Guid, ServiceRecord> ByUuid { get; } = new Dictionary<Guid, ServiceRecord>();
        public Dictionary<long, ServiceRecord> ByLegacyId { get; } = new Dictionary<long, ServiceRecord>();
        public Dictionary<string, List<string>> ZonesByHost { get; } = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        /// <summary>Migrations in a status that blocks a delete (every status but the terminal ones).</summary>
        public List<MigrationRecord> InProgressMigrations { get; } = new List<MigrationRecord>();

        public IReadOnlyList<InstanceRecord> InstancesOn(string host)
            => _instancesByHost.TryGetValue(host, out var list) ? list : (IReadOnlyList<InstanceRecord>)Array.Empty<InstanceRecord>();

        public List<string> NodesOf(string host)
            => _nodesByHost.TryGetValue(host, out var list) ? list : new List<string>();

        public static DocumentIndex Of(InventoryDocument document) => ByDocument.GetValue(document, d => new DocumentIndex(d));

        public static void Invalidate(InventoryDocument document) => ByDocument.Remove(document);
    }
}
