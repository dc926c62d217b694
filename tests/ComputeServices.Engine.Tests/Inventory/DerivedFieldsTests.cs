using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using ComputeServices.Inventory;
using Xunit;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>state and zone as Nova derives them (servicegroup db driver, availability_zones.set_availability_zones).</summary>
    public class DerivedFieldsTests
    {
        private static ComputeService RenderOne(InventoryDocument doc, DateTime now, string host, string binary = "nova-compute")
        {
            using var t = With(doc);
            t.Clock = now;
            return Ops.List(t.Backend(), host, binary).Single();
        }

        [Fact]
        public void ForcedDown_IsDown_EvenWithAFreshHeartbeat()
        {
            var doc = Doc(Svc(1, "h1", lastSeenUp: Now, forcedDown: true));
            var s = RenderOne(doc, Now, "h1");
            Assert.Equal("down", s.State);
            Assert.True(s.ForcedDown);
        }

        [Theory]
        [InlineData(0, "up")]
        [InlineData(59, "up")]
        [InlineData(60, "up")]      // abs(elapsed) <= service_down_time
        [InlineData(61, "down")]
        [InlineData(3600, "down")]
        [InlineData(-30, "up")]     // a heartbeat slightly in the future (clock skew) counts: abs()
        [InlineData(-61, "down")]
        public void State_FollowsLastSeenUp_AgainstServiceDownTime(int secondsAgo, string expected)
        {
            var doc = Doc(Svc(1, "h1", lastSeenUp: Now.AddSeconds(-secondsAgo), createdAt: Now.AddDays(-30)));
            Assert.Equal(60, doc.Settings.ServiceDownTime);
            Assert.Equal(expected, RenderOne(doc, Now, "h1").State);
        }

        [Fact]
        public void State_HonoursTheInventorysServiceDownTimeSetting()
        {
            var doc = Doc(Svc(1, "h1", lastSeenUp: Now.AddSeconds(-100)));
            doc.Settings.ServiceDownTime = 120;
            Assert.Equal("up", RenderOne(doc, Now, "h1").State);
            doc.Settings.ServiceDownTime = 99;
            Assert.Equal("down", RenderOne(doc, Now, "h1").State);
        }

        [Fact]
        public void State_FallsBackToCreatedAt_WhenLastSeenUpIsNull()
        {
            var fresh = Doc(Svc(1, "h1", lastSeenUp: null, createdAt: Now.AddSeconds(-10)));
            Assert.Equal("up", RenderOne(fresh, Now, "h1").State);
            var old = Doc(Svc(1, "h1", lastSeenUp: null, createdAt: Now.AddSeconds(-600)));
            Assert.Equal("down", RenderOne(old, Now, "h1").State);
        }

        [Fact]
        public void State_UsesLastSeenUp_NotCreatedAt_WhenBothAreSet()
        {
            var doc = Doc(Svc(1, "h1", lastSeenUp: Now.AddSeconds(-600), createdAt: Now.AddSeconds(-5)));
            Assert.Equal("down", RenderOne(doc, Now, "h1").State);
        }

        [Fact]
        public void State_MovesWithTheInjectedClock()
        {
            using var t = With(Doc(Svc(1, "h1", lastSeenUp: Now)));
            var backend = t.Backend();
            Assert.Equal("up", Ops.List(backend).Single().State);
            t.Clock = Now.AddMinutes(5);
            Assert.Equal("down", Ops.List(backend).Single().State);
        }

        [Fact]
        public void Zone_NonCompute_IsTheInternalZoneSetting_EvenInAnAzAggregate()
        {
            var doc = Doc(Svc(1, "ctl", binary: "nova-scheduler", lastSeenUp: Now));
            doc.Aggregates.Add(new AggregateRecord { Name = "a", Hosts = { "ctl" }, Metadata = { ["availability_zone"] = "az-1" } });
            Assert.Equal("internal", RenderOne(doc, Now, "ctl", "nova-scheduler").Zone);
            doc.Settings.InternalServiceAvailabilityZone = "control-plane";
            Assert.Equal("control-plane", RenderOne(doc, Now, "ctl", "nova-scheduler").Zone);
        }

        [Fact]
        public void Zone_ComputeInAnAzAggregate_IsThatAz()
        {
            var doc = Doc(Svc(1, "c1", lastSeenUp: Now), Svc(2, "c2", lastSeenUp: Now));
            doc.Aggregates.Add(new AggregateRecord { Name = "east", Hosts = { "c1" }, Metadata = { ["availability_zone"] = "az-east" } });
            Assert.Equal("az-east", RenderOne(doc, Now, "c1").Zone);
            Assert.Equal("nova", RenderOne(doc, Now, "c2").Zone);
        }

        [Fact]
        public void Zone_ComputeInSeveralAzs_IsCommaJoinedAndSorted()
        {
            var doc = Doc(Svc(1, "c1", lastSeenUp: Now));
            doc.Aggregates.Add(new AggregateRecord { Name = "z", Hosts = { "c1" }, Metadata = { ["availability_zone"] = "zeta" } });
            doc.Aggregates.Add(new AggregateRecord { Name = "a", Hosts = { "c1" }, Metadata = { ["availability_zone"] = "alpha" } });
            doc.Aggregates.Add(new AggregateRecord { Name = "a2", Hosts = { "c1" }, Metadata = { ["availability_zone"] = "alpha" } });
            Assert.Equal("alpha,zeta", RenderOne(doc, Now, "c1").Zone);
        }

        [Fact]
        public void Zone_AggregateWithoutAzMetadata_IsIgnored()
        {
            var doc = Doc(Svc(1, "c1", lastSeenUp: Now));
            doc.Aggregates.Add(new AggregateRecord { Name = "gpu", Hosts = { "c1" }, Metadata = { ["gpu"] = "true" } });
            doc.Aggregates.Add(new AggregateRecord { Name = "empty-az", Hosts = { "c1" }, Metadata = { ["availability_zone"] = "" } });
            Assert.Equal("nova", RenderOne(doc, Now, "c1").Zone);
            doc.Aggregates.Add(new AggregateRecord { Name = "west", Hosts = { "c1" }, Metadata = { ["availability_zone"] = "az-west" } });
            Assert.Equal("az-west", RenderOne(doc, Now, "c1").Zone);
        }

        [Fact]
        public void Zone_NoAggregate_IsTheDefaultAzSetting()
        {
            var doc = Doc(Svc(1, "c1", lastSeenUp: Now));
            Assert.Equal("nova", RenderOne(doc, Now, "c1").Zone);
            doc.Settings.DefaultAvailabilityZone = "dc1";
            Assert.Equal("dc1", RenderOne(doc, Now, "c1").Zone);
        }

        [Fact]
        public void Zone_AggregateHostMatchIsExactAndCaseSensitive()
        {
            var doc = Doc(Svc(1, "c1", lastSeenUp: Now));
            doc.Aggregates.Add(new AggregateRecord { Name = "a", Hosts = { "C1", "c1.example" }, Metadata = { ["availability_zone"] = "az-x" } });
            Assert.Equal("nova", RenderOne(doc, Now, "c1").Zone);
        }

        /// <summary>
        /// Nova's own v2.53 list sample, written into an inventory (last_seen_up = updated_at) and read back with Nova's
        /// test clock (fake_utcnow 2012-10-29 13:42:11, service_down_time 60): every field renders as in the sample.
        /// </summary>
        [Fact]
        public void NovaListSample_RendersTheSameFields()
        {
            using var sample = JsonDocument.Parse(File.ReadAllText(TestData("v2.53", "services-list-get-resp.json")));
            var expected = sample.RootElement.GetProperty("services").EnumerateArray().ToList();
            Assert.Equal(4, expected.Count);
            var doc = new InventoryDocument();
            long id = 1;
            foreach (var e in expected)
            {
                var updated = DateTime.Parse(e.GetProperty("updated_at").GetString()!, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
                doc.Services.Add(new ServiceRecord
                {
                    Id = id++,
                    Uuid = e.GetProperty("id").GetString()!,
                    Binary = e.GetProperty("binary").GetString()!,
                    Host = e.GetProperty("host").GetString()!,
                    Disabled = e.GetProperty("status").GetString() == "disabled",
                    DisabledReason = e.GetProperty("disabled_reason").ValueKind == JsonValueKind.Null ? null : e.GetProperty("disabled_reason").GetString(),
                    ForcedDown = e.GetProperty("forced_down").GetBoolean(),
                    LastSeenUp = updated,
                    CreatedAt = updated.AddDays(-100),
                    UpdatedAt = updated,
                });
            }
            using var t = With(doc);
            t.Clock = new DateTime(2012, 10, 29, 13, 42, 11, DateTimeKind.Utc);
            var actual = Ops.List(t.Backend());
            Assert.Equal(expected.Count, actual.Count);
            foreach (var e in expected)
            {
                var a = actual.Single(s => s.Id == e.GetProperty("id").GetString());
                Assert.Equal(e.GetProperty("binary").GetString(), a.Binary);
                Assert.Equal(e.GetProperty("host").GetString(), a.Host);
                Assert.Equal(e.GetProperty("status").GetString(), a.Status);
                Assert.Equal(e.GetProperty("state").GetString(), a.State);
                Assert.Equal(e.GetProperty("zone").GetString(), a.Zone);
                Assert.Equal(e.GetProperty("forced_down").GetBoolean(), a.ForcedDown);
                var reason = e.GetProperty("disabled_reason");
                Assert.Equal(reason.ValueKind == JsonValueKind.Null ? null : reason.GetString(), a.DisabledReason);
                Assert.Equal(e.GetProperty("updated_at").GetString(),
                    a.UpdatedAt!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
            }
        }
    }
}
