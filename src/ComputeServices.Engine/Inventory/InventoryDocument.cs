using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ComputeServices.Inventory
{
    // The inventory file, field for field. Names follow Nova's own (snake_case) so that a Nova operator
    // reads the file without a glossary. Unknown properties are kept on every record and written back,
    // so a newer tool's additions are never lost by an older one.

    public sealed class InventoryDocument
    {
        public const int CurrentSchemaVersion = 1;

        [JsonRequired, JsonPropertyName("schema_version")] public int? SchemaVersion { get; set; } = CurrentSchemaVersion;
        [JsonPropertyName("settings")] public InventorySettings Settings { get; set; } = new InventorySettings();
        [JsonPropertyName("services")] public List<ServiceRecord> Services { get; set; } = new List<ServiceRecord>();
        [JsonPropertyName("compute_nodes")] public List<ComputeNodeRecord> ComputeNodes { get; set; } = new List<ComputeNodeRecord>();
        [JsonPropertyName("instances")] public List<InstanceRecord> Instances { get; set; } = new List<InstanceRecord>();
        [JsonPropertyName("migrations")] public List<MigrationRecord> Migrations { get; set; } = new List<MigrationRecord>();
        [JsonPropertyName("aggregates")] public List<AggregateRecord> Aggregates { get; set; } = new List<AggregateRecord>();
        /// <summary>Set by Export-ComputeServiceInventory when the cloud could not be read whole (a cell unreachable) or its cells repeat integer ids.</summary>
        [JsonPropertyName("snapshot"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public SnapshotRecord? Snapshot { get; set; }
        [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

        /// <summary>A deep copy: changing it, or any record in it, leaves this document as it was.</summary>
        public InventoryDocument Copy()
        {
            var copy = (InventoryDocument)MemberwiseClone();
            copy.Settings = Settings.Copy();
            copy.Services = Services.ConvertAll(s => s.Copy());
            copy.ComputeNodes = ComputeNodes.ConvertAll(n => n.Copy());
            copy.Instances = Instances.ConvertAll(i => i.Copy());
            copy.Migrations = Migrations.ConvertAll(m => m.Copy());
            copy.Aggregates = Aggregates.ConvertAll(a => a.Copy());
            copy.Snapshot = Snapshot?.Copy();
            copy.Extra = RecordCopy.Of(Extra);
            return copy;
        }
    }

    /// <summary>How an exported inventory was taken, when the cloud could not be read whole or its cells repeat ids.</summary>
    public sealed class SnapshotRecord
    {
        [JsonPropertyName("taken_at")] public DateTime? TakenAt { get; set; }
        /// <summary>A cell was unreachable: its computes are missing (Nova shows them without an id).</summary>
        [JsonPropertyName("cell_unreachable")] public bool CellUnreachable { get; set; }
        /// <summary>The computes Nova listed with status UNKNOWN (the unreachable cell's), not in this file.</summary>
        [JsonPropertyName("unreachable_hosts")] public List<string> UnreachableHosts { get; set; } = new List<string>();
        /// <summary>Hosts whose compute nodes os-hypervisors could not list: their nodes here are assumed (one named after the host, and those migrations name).</summary>
        [JsonPropertyName("hosts_with_assumed_nodes")] public List<string> HostsWithAssumedNodes { get; set; } = new List<string>();
        /// <summary>Integer ids that two cells both use (Nova answers 400 "refers to multiple services" to them); the file renumbers one.</summary>
        [JsonPropertyName("repeated_legacy_ids")] public List<long> RepeatedLegacyIds { get; set; } = new List<long>();
        [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

        public SnapshotRecord Copy()
        {
            var copy = (SnapshotRecord)MemberwiseClone();
            copy.UnreachableHosts = new List<string>(UnreachableHosts);
            copy.HostsWithAssumedNodes = new List<string>(HostsWithAssumedNodes);
            copy.RepeatedLegacyIds = new List<long>(RepeatedLegacyIds);
            copy.Extra = RecordCopy.Of(Extra);
            return copy;
        }
    }

    public sealed class InventorySettings
    {
        /// <summary>Seconds since the last heartbeat after which a service is down (Nova's service_down_time, default 60).</summary>
        [JsonPropertyName("service_down_time")] public long ServiceDownTime { get; set; } = 60;
        [JsonPropertyName("default_availability_zone")] public string DefaultAvailabilityZone { get; set; } = "nova";
        [JsonPropertyName("internal_service_availability_zone")] public string InternalServiceAvailabilityZone { get; set; } = "internal";
        [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

        // Every other member is a value or a string: a memberwise copy is deep.
        public InventorySettings Copy()
        {
            var copy = (InventorySettings)MemberwiseClone();
            copy.Extra = RecordCopy.Of(Extra);
            return copy;
        }
    }

    public sealed class ServiceRecord
    {
        /// <summary>The legacy integer id that Nova shows below microversion 2.53.</summary>
        [JsonPropertyName("id")] public long Id { get; set; }
        [JsonPropertyName("uuid")] public string Uuid { get; set; } = "";
        [JsonPropertyName("binary")] public string Binary { get; set; } = "";
        [JsonPropertyName("host")] public string Host { get; set; } = "";
        [JsonPropertyName("disabled")] public bool Disabled { get; set; }
        [JsonPropertyName("disabled_reason")] public string? DisabledReason { get; set; }
        [JsonPropertyName("forced_down")] public bool ForcedDown { get; set; }
        /// <summary>The last heartbeat (UTC).</summary>
        [JsonPropertyName("last_seen_up")] public DateTime? LastSeenUp { get; set; }
        [JsonPropertyName("created_at")] public DateTime? CreatedAt { get; set; }
        [JsonPropertyName("updated_at")] public DateTime? UpdatedAt { get; set; }
        [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

        // Every other member is a value or a string: a memberwise copy is deep.
        public ServiceRecord Copy()
        {
            var copy = (ServiceRecord)MemberwiseClone();
            copy.Extra = RecordCopy.Of(Extra);
            return copy;
        }
    }

    public sealed class ComputeNodeRecord
    {
        [JsonPropertyName("uuid")] public string Uuid { get; set; } = "";
        [JsonPropertyName("host")] public string Host { get; set; } = "";
        [JsonPropertyName("hypervisor_hostname")] public string HypervisorHostname { get; set; } = "";
        [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

        // Every other member is a value or a string: a memberwise copy is deep.
        public ComputeNodeRecord Copy()
        {
            var copy = (ComputeNodeRecord)MemberwiseClone();
            copy.Extra = RecordCopy.Of(Extra);
            return copy;
        }
    }

    public sealed class InstanceRecord
    {
        [JsonPropertyName("uuid")] public string Uuid { get; set; } = "";
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("host")] public string? Host { get; set; }
        [JsonPropertyName("node")] public string? Node { get; set; }
        [JsonPropertyName("vm_state")] public string? VmState { get; set; }
        [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

        // Every other member is a value or a string: a memberwise copy is deep.
        public InstanceRecord Copy()
        {
            var copy = (InstanceRecord)MemberwiseClone();
            copy.Extra = RecordCopy.Of(Extra);
            return copy;
        }
    }

    public sealed class MigrationRecord
    {
        [JsonPropertyName("uuid")] public string Uuid { get; set; } = "";
        [JsonPropertyName("instance_uuid")] public string? InstanceUuid { get; set; }
        [JsonPropertyName("migration_type")] public string? MigrationType { get; set; }
        [JsonPropertyName("status")] public string Status { get; set; } = "";
        [JsonPropertyName("source_compute")] public string? SourceCompute { get; set; }
        [JsonPropertyName("source_node")] public string? SourceNode { get; set; }
        [JsonPropertyName("dest_compute")] public string? DestCompute { get; set; }
        [JsonPropertyName("dest_node")] public string? DestNode { get; set; }
        [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

        // Every other member is a value or a string: a memberwise copy is deep.
        public MigrationRecord Copy()
        {
            var copy = (MigrationRecord)MemberwiseClone();
            copy.Extra = RecordCopy.Of(Extra);
            return copy;
        }
    }

    public sealed class AggregateRecord
    {
        [JsonPropertyName("uuid")] public string? Uuid { get; set; }
        [JsonPropertyName("name")] public string Name { get; set; } = "";
        [JsonPropertyName("hosts")] public List<string> Hosts { get; set; } = new List<string>();
        [JsonPropertyName("metadata")] public Dictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>();
        [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

        public AggregateRecord Copy()
        {
            var copy = (AggregateRecord)MemberwiseClone();
            copy.Hosts = new List<string>(Hosts);
            copy.Metadata = new Dictionary<string, string>(Metadata, Metadata.Comparer);
            copy.Extra = RecordCopy.Of(Extra);
            return copy;
        }
    }

    internal static class RecordCopy
    {
        // JsonElement values are read-only views of their own parsed document: sharing them is safe.
        public static Dictionary<string, JsonElement>? Of(Dictionary<string, JsonElement>? extra)
            => extra == null ? null : new Dictionary<string, JsonElement>(extra, extra.Comparer);
    }
}
