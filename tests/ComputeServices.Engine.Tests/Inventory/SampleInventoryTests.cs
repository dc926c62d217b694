using System;
using System.Linq;
using ComputeServices.Inventory;
using Xunit;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>StableUuid against Python's uuid.uuid5, and the sample against the Nova sandbox's seed (README table).</summary>
    public class SampleInventoryTests
    {
        [Theory]
        // From the sandbox's seed.json (seed: str(uuid.uuid5(NS, '%s:%s' % (kind, name)))).
        [InlineData(SampleInventory.SeedNamespace, "service:controller-01/nova-scheduler", "5e1856bf-ba78-5fae-af52-6bb503a0df7c")]
        [InlineData(SampleInventory.SeedNamespace, "service:compute-busy-01/nova-compute", "5208e9b2-1408-5fbc-b3c8-f48257e87002")]
        [InlineData(SampleInventory.SeedNamespace, "service:compute-evacuated/nova-compute", "0ee642fa-c25e-5bad-937f-7e7941a864d7")]
        // Computed with CPython's uuid.uuid5 for the other kinds the seed uses.
        [InlineData(SampleInventory.SeedNamespace, "instance:vm-busy1-a", "055b8958-0382-5b36-af6a-66328910f512")]
        [InlineData(SampleInventory.SeedNamespace, "compute_node:compute-busy-01", "244f6150-4ba7-5fb5-8f15-dde3daa3bdef")]
        [InlineData(SampleInventory.SeedNamespace, "aggregate:agg-east", "052bcc0d-b143-5483-bcb2-d35e94222ce8")]
        [InlineData(SampleInventory.SeedNamespace, "migration:resize-finished", "891cd7a1-90a2-597d-9656-0b7ea34d9b24")]
        // The Python documentation's example: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org').
        [InlineData("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org", "886313e1-3b8a-5372-9b90-0c9aee199e5d")]
        // Non-ASCII names are hashed as UTF-8, as Python does.
        [InlineData("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "http://example.com/\u00fc", "3bdc1b92-e301-5da7-9835-fff02184ba40")]
        public void StableUuid_MatchesPythonUuid5(string ns, string name, string expected)
            => Assert.Equal(expected, StableUuid.Create(ns, name));

        [Fact]
        public void StableUuid_IsVersion5_Rfc4122_AndLowercase()
        {
            var u = StableUuid.Create(SampleInventory.SeedNamespace, "anything");
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", u);
            Assert.NotEqual(u, StableUuid.Create(SampleInventory.SeedNamespace, "anything else"));
            Assert.Equal(u, StableUuid.Create(SampleInventory.SeedNamespace.ToUpperInvariant(), "anything"));
        }

        [Fact]
        public void Sample_UsesTheSeedUuids()
        {
            var doc = SampleInventory.Create(Now);
            Assert.Equal("5e1856bf-ba78-5fae-af52-6bb503a0df7c", doc.Services.Single(s => s.Host == "controller-01" && s.Binary == "nova-scheduler").Uuid);
            Assert.Equal("5208e9b2-1408-5fbc-b3c8-f48257e87002", doc.Services.Single(s => s.Host == "compute-busy-01").Uuid);
            Assert.Equal("0ee642fa-c25e-5bad-937f-7e7941a864d7", doc.Services.Single(s => s.Host == "compute-evacuated").Uuid);
            Assert.Equal("055b8958-0382-5b36-af6a-66328910f512", doc.Instances.Single(i => i.Name == "vm-busy1-a").Uuid);
            Assert.Equal("244f6150-4ba7-5fb5-8f15-dde3daa3bdef", doc.ComputeNodes.Single(n => n.Host == "compute-busy-01").Uuid);
            Assert.Equal("052bcc0d-b143-5483-bcb2-d35e94222ce8", doc.Aggregates.Single(a => a.Name == "agg-east").Uuid);
            Assert.Equal("891cd7a1-90a2-597d-9656-0b7ea34d9b24", doc.Migrations.Single(m => m.Status == "finished").Uuid);
        }

        // id, host, binary, zone, status, state, forced_down, reason: the sandbox README's "Data created by seed" table.
        public static readonly TheoryData<int, string, string, string, string, string, bool, string?> Table = new()
        {
            { 2, "controller-01", "nova-scheduler", "internal", "enabled", "up", false, null },
            { 3, "controller-01", "nova-conductor", "internal", "enabled", "up", false, null },
            { 4, "controller-02", "nova-scheduler", "internal", "enabled", "up", false, null },
            { 5, "controller-02", "nova-conductor", "internal", "enabled", "down", false, null },
            { 6, "compute-busy-01", "nova-compute", "az-east", "enabled", "up", false, null },
            { 7, "compute-busy-02", "nova-compute", "az-east", "enabled", "up", false, null },
            { 8, "compute-resize-src", "nova-compute", "az-east", "enabled", "up", false, null },
            { 9, "compute-live-dst", "nova-compute", "az-west", "enabled", "up", false, null },
            { 10, "compute-free-01", "nova-compute", "az-west", "enabled", "up", false, null },
            { 11, "compute-free-02", "nova-compute", "nova", "enabled", "up", false, null },
            { 12, "compute-down-01", "nova-compute", "az-west", "disabled", "down", false, "hardware failure: PSU" },
            { 13, "compute-forced-down", "nova-compute", "az-west", "disabled", "down", true, "forced down for maintenance" },
            { 14, "compute-evacuated", "nova-compute", "nova", "enabled", "down", true, null },
        };

        [Theory]
        [MemberData(nameof(Table))]
        public void Sample_RendersAsTheSandboxTable(int id, string host, string binary, string zone, string status, string state, bool forcedDown, string? reason)
        {
            using var t = Sample();
            // Years later the states are still as seeded: service_down_time is ten years, "down" is 2005.
            foreach (var clock in new[] { Now, Now.AddDays(400) })
            {
                t.Clock = clock;
                var backend = t.Backend();
                var s = Ops.List(backend, host, binary).Single();
                Assert.Equal(zone, s.Zone);
                Assert.Equal(status, s.Status);
                Assert.Equal(state, s.State);
                Assert.Equal(forcedDown, s.ForcedDown);
                Assert.Equal(reason, s.DisabledReason);
                Assert.Equal(s.Id, Ops.ResolveId(backend, id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Id);
            }
        }

        [Fact]
        public void Sample_Lists13Services_WithIds2To14()
        {
            var doc = SampleInventory.Create(Now);
            Assert.Equal(Enumerable.Range(2, 13).Select(i => (long)i), doc.Services.Select(s => s.Id));
            using var t = With(doc);
            Assert.Equal(13, Ops.List(t.Backend()).Count);
            Assert.Equal(9, doc.ComputeNodes.Count);
            Assert.All(doc.ComputeNodes, n => Assert.Equal(n.Host, n.HypervisorHostname));
        }

        [Fact]
        public void Sample_AggregatesAndInstances_AreTheSeeds()
        {
            var doc = SampleInventory.Create(Now);
            Assert.Equal(new[] { "agg-east", "agg-gpu", "agg-west" }, doc.Aggregates.Select(a => a.Name).OrderBy(n => n, StringComparer.Ordinal));
            Assert.Equal("az-east", doc.Aggregates.Single(a => a.Name == "agg-east").Metadata["availability_zone"]);
            Assert.False(doc.Aggregates.Single(a => a.Name == "agg-gpu").Metadata.ContainsKey("availability_zone"));
            Assert.Equal(new[] { "compute-busy-01" }, doc.Aggregates.Single(a => a.Name == "agg-gpu").Hosts);
            Assert.Contains("compute-free-01", doc.Aggregates.Single(a => a.Name == "agg-west").Hosts);
            Assert.Equal("stopped", doc.Instances.Single(i => i.Name == "vm-down-a").VmState);
            Assert.Equal("compute-down-01", doc.Instances.Single(i => i.Name == "vm-down-a").Host);
            var evac = doc.Migrations.Single(m => m.MigrationType == "evacuation");
            Assert.Equal(("done", "compute-evacuated", "compute-busy-02"), (evac.Status, evac.SourceCompute, evac.DestCompute));
            var old = doc.Migrations.Single(m => m.Status == "confirmed");
            Assert.Equal(("compute-free-01", "compute-busy-01"), (old.SourceCompute, old.DestCompute));
        }

        [Fact]
        public void Sample_TimesAreWholeSecondsUtc()
        {
            var doc = SampleInventory.Create(new DateTime(2026, 3, 14, 12, 0, 0, 999, DateTimeKind.Utc));
            var up = doc.Services.Single(s => s.Host == "compute-free-01");
            Assert.Equal(new DateTime(2026, 3, 14, 12, 0, 0, DateTimeKind.Utc), up.LastSeenUp);
            Assert.Equal(DateTimeKind.Utc, up.LastSeenUp!.Value.Kind);
            Assert.Equal(new DateTime(2005, 1, 1, 0, 0, 0, DateTimeKind.Utc), doc.Services.Single(s => s.Host == "compute-down-01").LastSeenUp);
        }

        [Theory]
        [InlineData("compute-busy-01", ErrorIds.ServiceHostingInstances)]
        [InlineData("compute-busy-02", ErrorIds.ServiceHostingInstances)]
        [InlineData("compute-resize-src", ErrorIds.ServiceHasInProgressMigrations)]
        [InlineData("compute-live-dst", ErrorIds.ServiceHasInProgressMigrations)]
        [InlineData("compute-down-01", ErrorIds.ServiceHostingInstances)]
        [InlineData("compute-free-01", null)]
        [InlineData("compute-free-02", null)]
        [InlineData("compute-forced-down", null)]
        [InlineData("compute-evacuated", null)]
        public void Sample_DeleteResults_AreTheSandboxTable(string host, string? errorId)
        {
            using var t = Sample();
            var backend = t.Backend();
            var s = Ops.Resolve(backend, host);
            if (errorId == null)
            {
                Ops.Delete(backend, s);
                Assert.Empty(Ops.List(backend, host: host));
            }
            else
            {
                Assert.Equal(errorId, Assert.Throws<ComputeServiceException>(() => Ops.Delete(backend, s)).ErrorId);
                Assert.Single(Ops.List(backend, host: host));
            }
        }
    }
}
