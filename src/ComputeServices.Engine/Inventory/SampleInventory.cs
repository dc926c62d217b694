using System;
using System.Collections.Generic;
using System.Linq;

namespace ComputeServices.Inventory
{
    /// <summary>
    /// The data that the Nova sandbox's <c>seed</c> script writes into the real Nova, as an inventory: the same
    /// hosts, binaries, states, reasons, aggregates and zones, instances and migrations, with the same uuids
    /// (uuid5 in the seed's namespace), so one scenario gives the same answers against both.
    /// </summary>
    public static class SampleInventory
    {
        public const string SeedNamespace = "7a3a52f0-3d0e-4c56-9f5e-6e6f76612d73";

        public static InventoryDocument Empty() => new InventoryDocument();

        public static InventoryDocument Create(DateTime nowUtc)
        {
            var now = new DateTime(nowUtc.Ticks - nowUtc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
            var longAgo = new DateTime(2005, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            var doc = new InventoryDocument();
            // As the sandbox's nova.conf: ten years, so "up" and "down" stay as seeded without heartbeats.
            doc.Settings.ServiceDownTime = 10L * 365 * 24 * 3600;

            long nextId = 2; // id 1 is nova-api's own nova-osapi_compute record, which Nova never lists
            void Service(string host, string binary, bool up = true, bool disabled = false, string? reason = null, bool forcedDown = false)
            {
                doc.Services.Add(new ServiceRecord
                {
                    Id = nextId++,
                    Uuid = Uuid("service", host + "/" + binary),
                    Host = host,
                    Binary = binary,
                    Disabled = disabled,
                    DisabledReason = reason,
                    ForcedDown = forcedDown,
                    LastSeenUp = up ? now : longAgo,
                    CreatedAt = now,
                    UpdatedAt = now,
                });
            }

            Service("controller-01", "nova-scheduler");
            Service("controller-01", "nova-conductor");
            Service("controller-02", "nova-scheduler");
            Service("controller-02", "nova-conductor", up: false);

            var aggregates = new Dictionary<string, AggregateRecord>
            {
                ["agg-east"] = Aggregate("agg-east", new Dictionary<string, string> { ["availability_zone"] = "az-east" }),
                ["agg-west"] = Aggregate("agg-west", new Dictionary<string, string> { ["availability_zone"] = "az-west" }),
                ["agg-gpu"] = Aggregate("agg-gpu", new Dictionary<string, string> { ["gpu"] = "true" }),
            };
            doc.Aggregates.AddRange(aggregates.Values);

            void Compute(string host, string[] aggs, bool up = true, bool disabled = false, string? reason = null, bool forcedDown = false)
            {
                Service(host, ServiceBinaries.Compute, up, disabled, reason, forcedDown);
                doc.ComputeNodes.Add(new ComputeNodeRecord { Uuid = Uuid("compute_node", host), Host = host, HypervisorHostname = host });
                foreach (var a in aggs) aggregates[a].Hosts.Add(host);
            }

            Compute("compute-busy-01", new[] { "agg-east", "agg-gpu" });
            Compute("compute-busy-02", new[] { "agg-east" });
            Compute("compute-resize-src", new[] { "agg-east" });
            Compute("compute-live-dst", new[] { "agg-west" });
            Compute("compute-free-01", new[] { "agg-west" });
            Compute("compute-free-02", new string[0]);
            Compute("compute-down-01", new[] { "agg-west" }, up: false, disabled: true, reason: "hardware failure: PSU");
            Compute("compute-forced-down", new[] { "agg-west" }, up: false, disabled: true, reason: "forced down for maintenance", forcedDown: true);
            Compute("compute-evacuated", new string[0], up: false, forcedDown: true);

            string Instance(string name, string host, string vmState = "active")
            {
                var uuid = Uuid("instance", name);
                doc.Instances.Add(new InstanceRecord { Uuid = uuid, Name = name, Host = host, Node = host, VmState = vmState });
                return uuid;
            }

            var i1 = Instance("vm-busy1-a", "compute-busy-01");
            Instance("vm-busy1-b", "compute-busy-01");
            var i3 = Instance("vm-busy2-resized", "compute-busy-02", "resized");
            Instance("vm-down-a", "compute-down-01", "stopped");
            var i5 = Instance("vm-evacuated", "compute-busy-02");

            void Migration(string name, string instance, string source, string destination, string status, string type)
                => doc.Migrations.Add(new MigrationRecord
                {
                    Uuid = Uuid("migration", name),
                    InstanceUuid = instance,
                    MigrationType = type,
                    Status = status,
                    SourceCompute = source,
                    SourceNode = source,
                    DestCompute = destination,
                    DestNode = destination,
                });

            Migration("resize-finished", i3, "compute-resize-src", "compute-busy-02", "finished", "resize");
            Migration("live-migrating", i1, "compute-busy-01", "compute-live-dst", "running", "live-migration");
            Migration("old-confirmed", i1, "compute-free-01", "compute-busy-01", "confirmed", "migration");
            Migration("evacuation-done", i5, "compute-evacuated", "compute-busy-02", "done", "evacuation");
            return doc;
        }

        private static AggregateRecord Aggregate(string name, Dictionary<string, string> metadata)
            => new AggregateRecord { Uuid = Uuid("aggregate", name), Name = name, Metadata = metadata };

        private static string Uuid(string kind, string name) => StableUuid.Create(SeedNamespace, kind + ":" + name);
    }
}
