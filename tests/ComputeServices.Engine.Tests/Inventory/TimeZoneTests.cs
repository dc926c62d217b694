using System;
using System.Linq;
using System.Runtime.InteropServices;
using ComputeServices.Inventory;
using Xunit;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    [CollectionDefinition(nameof(LocalTimeZoneCollection), DisableParallelization = true)]
    public class LocalTimeZoneCollection
    {
    }

    /// <summary>
    /// Times must come out in UTC whatever the machine's time zone. These tests switch the process's local zone
    /// (TZ, honoured by .NET on Unix) to one far from UTC, so they also fail on a UTC build machine; they run alone.
    /// </summary>
    [Collection(nameof(LocalTimeZoneCollection))]
    public class TimeZoneTests
    {
        private static void InZone(string tz, Action body)
        {
            var previous = Environment.GetEnvironmentVariable("TZ");
            try
            {
                if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    Environment.SetEnvironmentVariable("TZ", tz);
                    TimeZoneInfo.ClearCachedData();
                }
                body();
            }
            finally
            {
                Environment.SetEnvironmentVariable("TZ", previous);
                TimeZoneInfo.ClearCachedData();
            }
        }

        [Fact]
        public void ZoneSwitch_Works_OnThisPlatform()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
            InZone("Asia/Tokyo", () => Assert.Equal(TimeSpan.FromHours(9), TimeZoneInfo.Local.GetUtcOffset(Now)));
        }

        [Fact]
        public void UpdatedAt_WithAnOffsetInTheFile_IsTheSameInstantInUtc()
        {
            const string json = @"{ ""schema_version"": 1, ""services"": [ { ""id"": 1, ""uuid"": ""e81d66a4-ddd3-4aba-8a84-171d1cb4d339"",
                ""binary"": ""nova-compute"", ""host"": ""host1"", ""last_seen_up"": ""2012-10-29T15:42:05+02:00"",
                ""created_at"": ""2012-10-29T13:40:00Z"", ""updated_at"": ""2012-10-29T15:42:05+02:00"" } ] }";
            InZone("Asia/Tokyo", () =>
            {
                using var t = WithText(json);
                t.Clock = new DateTime(2012, 10, 29, 13, 42, 11, DateTimeKind.Utc);
                var s = Ops.List(t.Backend()).Single();
                Assert.Equal("up", s.State); // DeriveState converts Local to UTC correctly...
                Assert.Equal(DateTimeKind.Utc, s.UpdatedAt!.Value.Kind);
                Assert.Equal(new DateTime(2012, 10, 29, 13, 42, 5, DateTimeKind.Utc), s.UpdatedAt.Value); // ...UpdatedAt must too
            });
        }

        [Fact]
        public void ComputeService_ConvertsALocalUpdatedAtToUtc()
        {
            InZone("America/New_York", () =>
            {
                var utc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
                var s = new ComputeService("x", "nova-compute", "h", "nova", "enabled", "up", false, null, utc.ToLocalTime());
                Assert.Equal(utc, s.UpdatedAt);
                Assert.Equal(DateTimeKind.Utc, s.UpdatedAt!.Value.Kind);
            });
        }

        [Fact]
        public void ComputeService_TakesUnspecifiedAsUtc()
        {
            InZone("America/New_York", () =>
            {
                var s = new ComputeService("x", "nova-compute", "h", "nova", "enabled", "up", false, null, new DateTime(2012, 10, 29, 13, 42, 5));
                Assert.Equal(new DateTime(2012, 10, 29, 13, 42, 5, DateTimeKind.Utc), s.UpdatedAt);
            });
        }

        [Fact]
        public void UpdateAsync_StampsUtc_WhenTheMachineIsNotOnUtc()
        {
            InZone("Asia/Tokyo", () =>
            {
                using var t = Sample();
                var backend = t.Backend();
                var result = Ops.Update(backend, Ops.Resolve(backend, "compute-free-01"), ServiceChange.Disable("tz"));
                Assert.Equal(Now, result.UpdatedAt);
                Assert.Equal(Now, Ops.Resolve(t.Backend(), "compute-free-01").UpdatedAt);
                Assert.Equal("up", Ops.Resolve(t.Backend(), "compute-free-01").State);
            });
        }
    }
}
