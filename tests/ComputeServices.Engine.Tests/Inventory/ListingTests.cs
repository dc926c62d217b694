using System;
using System.Linq;
using System.Threading;
using ComputeServices.Inventory;
using Xunit;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    public class ListingTests
    {
        private static InventoryDocument WithHiddenBinaries()
        {
            var doc = SampleInventory.Create(Now);
            doc.Services.Add(Svc(1, "controller-01", binary: "nova-osapi_compute", lastSeenUp: Now));
            doc.Services.Add(Svc(100, "controller-01", binary: "nova-metadata", lastSeenUp: Now));
            return doc;
        }

        [Fact]
        public void HiddenBinaries_AreNeverListed()
        {
            using var t = With(WithHiddenBinaries());
            var backend = t.Backend();
            Assert.Equal(15, t.Read().Services.Count);
            var all = Ops.List(backend);
            Assert.Equal(13, all.Count);
            Assert.DoesNotContain(all, s => s.Binary == "nova-osapi_compute" || s.Binary == "nova-metadata");
            // Not even when asked for by name.
            Assert.Empty(Ops.List(backend, binary: "nova-osapi_compute"));
            Assert.Empty(Ops.List(backend, host: "controller-01", binary: "nova-metadata"));
            Assert.Equal(2, Ops.List(backend, host: "controller-01").Count);
        }

        [Fact]
        public void HiddenBinaries_CannotBeResolved()
        {
            using var t = With(WithHiddenBinaries());
            var backend = t.Backend();
            var hidden = t.Read().Services.Single(s => s.Binary == "nova-metadata");
            var byHost = Assert.Throws<ComputeServiceException>(() => Ops.Resolve(backend, "controller-01", "nova-metadata"));
            Assert.Equal(ErrorIds.ServiceNotFound, byHost.ErrorId);
            // Found only to be deleted (as Nova's DELETE); otherwise not found, with advice that says what it is.
            var byId = Assert.Throws<ComputeServiceException>(() => Ops.ResolveId(backend, hidden.Uuid));
            Assert.Equal(ErrorIds.ServiceNotFound, byId.ErrorId);
            Assert.Contains("nova-metadata record on controller-01, which Nova never lists", byId.RecommendedAction);
        }

        [Fact]
        public void AHiddenRecordIsDeletedByUuidAsNovaDoes()
        {
            using var t = With(WithHiddenBinaries());
            var backend = t.Backend();
            var hidden = t.Read().Services.Single(s => s.Binary == "nova-osapi_compute");
            var found = backend.ResolveAsync(ServiceRef.ById(hidden.Uuid, forDelete: true), default).GetAwaiter().GetResult();
            Assert.Equal(("controller-01", "nova-osapi_compute"), (found.Host, found.Binary));
            Assert.True(Ops.TestRemoval(backend, found).CanRemove);

            Ops.Delete(backend, found);

            Assert.DoesNotContain(t.Read().Services, s => s.Uuid == hidden.Uuid);
            Assert.Equal(14, t.Read().Services.Count);
        }

        [Fact]
        public void HostFilter_IsExactAndCaseSensitive()
        {
            using var t = Sample();
            var backend = t.Backend();
            var hits = Ops.List(backend, host: "controller-01");
            Assert.Equal(new[] { "nova-conductor", "nova-scheduler" }, hits.Select(s => s.Binary).OrderBy(b => b, StringComparer.Ordinal));
            Assert.All(hits, s => Assert.Equal("controller-01", s.Host));
            Assert.Empty(Ops.List(backend, host: "CONTROLLER-01"));
            Assert.Empty(Ops.List(backend, host: "controller"));
            Assert.Empty(Ops.List(backend, host: "controller-01 "));
            Assert.Empty(Ops.List(backend, host: "compute-busy"));
        }

        [Fact]
        public void BinaryFilter_IsExactAndCaseSensitive()
        {
            using var t = Sample();
            var backend = t.Backend();
            Assert.Equal(9, Ops.List(backend, binary: "nova-compute").Count);
            Assert.Equal(2, Ops.List(backend, binary: "nova-scheduler").Count);
            Assert.Empty(Ops.List(backend, binary: "Nova-Compute"));
            Assert.Empty(Ops.List(backend, binary: "compute"));
        }

        [Fact]
        public void HostAndBinaryFilters_Combine()
        {
            using var t = Sample();
            var hit = Ops.List(t.Backend(), host: "controller-02", binary: "nova-conductor").Single();
            Assert.Equal("controller-02", hit.Host);
            Assert.Equal("nova-conductor", hit.Binary);
            Assert.Empty(Ops.List(t.Backend(), host: "controller-02", binary: "nova-compute"));
        }

        [Fact]
        public void EmptyFilters_AreIgnored()
        {
            using var t = Sample();
            Assert.Equal(13, Ops.List(t.Backend(), host: "", binary: "").Count);
        }

        [Fact]
        public void Source_IsTheInventoryFilePath()
        {
            using var t = Sample();
            var backend = t.Backend();
            Assert.Equal(t.Path, backend.Description);
            Assert.All(Ops.List(backend), s => Assert.Equal(t.Path, s.Source));
            Assert.Equal(t.Path, Ops.Resolve(backend, "compute-free-01").Source);
        }

        [Fact]
        public void Source_IsAFullPath_WhenOpenedThroughARelativeOne()
        {
            using var t = Sample();
            // Relative to the current directory, without changing it (other tests run in parallel).
            var relative = System.IO.Path.GetRelativePath(Environment.CurrentDirectory, t.Path);
            Assert.False(System.IO.Path.IsPathRooted(relative));
            var backend = new InventoryBackend(relative, () => Now);
            Assert.Equal(t.Path, backend.Description);
            Assert.Equal(t.Path, Ops.List(backend).First().Source);
        }

        [Fact]
        public void UpdatedAt_IsUtc_AndEqualsTheStoredValue()
        {
            var stamp = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
            var rec = Svc(1, "c1", lastSeenUp: stamp, createdAt: stamp.AddDays(-1));
            rec.UpdatedAt = stamp;
            using var t = With(Doc(rec));
            var s = Ops.List(t.Backend()).Single();
            Assert.Equal(DateTimeKind.Utc, s.UpdatedAt!.Value.Kind);
            Assert.Equal(stamp, s.UpdatedAt.Value);
        }

        [Fact]
        public void UpdatedAt_WrittenWithoutZone_IsReadAsUtc()
        {
            const string json = @"{ ""schema_version"": 1, ""services"": [ { ""id"": 1, ""uuid"": ""e81d66a4-ddd3-4aba-8a84-171d1cb4d339"",
                ""binary"": ""nova-compute"", ""host"": ""host1"", ""created_at"": ""2012-10-29T13:40:00"", ""updated_at"": ""2012-10-29T13:42:05"" } ] }";
            using var t = WithText(json);
            var s = Ops.List(t.Backend()).Single();
            Assert.Equal(DateTimeKind.Utc, s.UpdatedAt!.Value.Kind);
            Assert.Equal(new DateTime(2012, 10, 29, 13, 42, 5, DateTimeKind.Utc), s.UpdatedAt.Value);
        }

        [Fact]
        public void UpdatedAt_WithAnOffset_IsConvertedToUtc()
        {
            // 15:42:05+02:00 is 13:42:05Z, whatever the local time zone of the machine running the test.
            const string json = @"{ ""schema_version"": 1, ""services"": [ { ""id"": 1, ""uuid"": ""e81d66a4-ddd3-4aba-8a84-171d1cb4d339"",
                ""binary"": ""nova-compute"", ""host"": ""host1"", ""created_at"": ""2012-10-29T13:40:00Z"", ""updated_at"": ""2012-10-29T15:42:05+02:00"" } ] }";
            using var t = WithText(json);
            var s = Ops.List(t.Backend()).Single();
            Assert.Equal(DateTimeKind.Utc, s.UpdatedAt!.Value.Kind);
            Assert.Equal(new DateTime(2012, 10, 29, 13, 42, 5, DateTimeKind.Utc), s.UpdatedAt.Value);
        }

        [Fact]
        public void UpdatedAt_IsNullWhenNeverUpdated_AsNovaShowsIt()
        {
            var rec = Svc(1, "c1", lastSeenUp: Now, createdAt: Now.AddHours(-1));
            rec.UpdatedAt = null;
            using var t = With(Doc(rec));
            Assert.Null(Ops.List(t.Backend()).Single().UpdatedAt);
        }

        [Fact]
        public void Id_IsTheUuid()
        {
            using var t = Sample();
            var records = t.Read().Services;
            foreach (var s in Ops.List(t.Backend()))
                Assert.Equal(records.Single(r => r.Host == s.Host && r.Binary == s.Binary).Uuid, s.Id);
        }
    }
}
