using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Inventory;
using ComputeServices.Rules;
using ComputeServices.Session;
using ComputeServices.Tests.Inventory;
using Xunit;

namespace ComputeServices.Tests.Session
{
    public sealed class ServiceIdentityTests
    {
        [Theory]
        [InlineData("compute-01", "compute-01", true)]
        [InlineData("COMPUTE-01", "compute-01", false)]
        [InlineData("compute-0*", "COMPUTE-01", true)]
        [InlineData("compute-0?", "compute-01", true)]
        [InlineData("compute-[0-1]1", "compute-11", true)]
        [InlineData("compute-[0-1]1", "compute-21", false)]
        [InlineData("compute`*", "compute*", true)]
        [InlineData("compute`*", "compute-01", false)]
        [InlineData("a.b", "axb", false)]
        public void LiteralsMatchExactlyAndPatternsIgnoreCase(string pattern, string host, bool expected)
            => Assert.Equal(expected, ServiceIdentity.Matches(pattern, host));

        [Theory]
        [InlineData("e3a8c32f-a5d2-576f-8106-6fab7a3d216a", "e3a8c32f-a5d2-576f-8106-6fab7a3d216a", true)]
        // As Nova's database compares them: another spelling of the uuid names no service (issue 17 case 6).
        [InlineData("E3A8C32F-A5D2-576F-8106-6FAB7A3D216A", "e3a8c32f-a5d2-576f-8106-6fab7a3d216a", false)]
        [InlineData("e3a8c32fa5d2576f81066fab7a3d216a", "e3a8c32f-a5d2-576f-8106-6fab7a3d216a", false)]
        [InlineData("{e3a8c32f-a5d2-576f-8106-6fab7a3d216a}", "e3a8c32f-a5d2-576f-8106-6fab7a3d216a", false)]
        [InlineData(" 10 ", "10", true)]
        [InlineData("10", "010", false)]
        public void IdsCompareAsStoredStrings(string wanted, string actual, bool expected)
            => Assert.Equal(expected, ServiceIdentity.SameId(wanted, actual));

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("   ")]
        public void BlankIdsNameNothing(string? id) => Assert.Null(ServiceIdentity.NormalizeId(id));

        [Theory]
        [InlineData("prod (https://nova.example.com:8774/v2.1, project admin)", "staging (https://NOVA.example.com:8774/v2.1/, project admin)", true)]
        [InlineData("prod (https://nova.example.com:8774/v2.1, project admin)", "prod (https://nova.example.com:8774/v2.1, project demo)", false)]
        [InlineData("prod (https://nova.example.com:8774/v2.1, project admin)", "prod (https://other.example.com:8774/v2.1, project admin)", false)]
        [InlineData("/tmp/a.json", "/tmp/./a.json", true)]
        [InlineData("/tmp/a.json", "prod (https://nova.example.com:8774/v2.1, project admin)", false)]
        public void SourcesAreTheSamePlaceByEndpointAndProjectOrPath(string a, string b, bool expected)
            => Assert.Equal(expected, ServiceSource.Parse(a, "/")!.SamePlaceAs(ServiceSource.Parse(b, "/")!));

        [Fact]
        public void ACloudSourceNeverShowsUserInfo()
        {
            var text = ServiceSource.DescribeCloud("prod", new Uri("https://user:pw@nova.example.com:8774/v2.1/"), "admin");
            Assert.Equal("prod (https://nova.example.com:8774/v2.1, project admin)", text);
        }

        private sealed class CountingBackend : IComputeServiceBackend
        {
            private readonly InventoryBackend _inner;
            public CountingBackend(InventoryBackend inner) => _inner = inner;
            public int Lists;
            public int Resolves;
            public string Description => _inner.Description;
            public Task<string> DescribeAsync(CancellationToken ct) => _inner.DescribeAsync(ct);
            public Task<IReadOnlyList<ComputeService>> ListAsync(ServiceQuery query, CancellationToken ct) { Lists++; return _inner.ListAsync(query, ct); }
            public Task<ComputeService> ResolveAsync(ServiceRef reference, CancellationToken ct) { Resolves++; return _inner.ResolveAsync(reference, ct); }
            public Task<ComputeService> UpdateAsync(ComputeService s, ServiceChange c, CancellationToken ct) => _inner.UpdateAsync(s, c, ct);
            public Task DeleteAsync(ComputeService s, CancellationToken ct) => _inner.DeleteAsync(s, ct);
            public Task<RemovalCheck> TestRemovalAsync(ComputeService s, CancellationToken ct) => _inner.TestRemovalAsync(s, ct);
            public Task<InventoryDocument> ExportAsync(CancellationToken ct) => _inner.ExportAsync(ct);
            public Task<IReadOnlyList<MigrationSummary>> ListPendingEvacuationsAsync(string host, CancellationToken ct) => _inner.ListPendingEvacuationsAsync(host, ct);
            public void Dispose() { }
        }

        [Fact]
        public async Task ManyNamesAndIdsAreResolvedFromOneListing()
        {
            using var inventory = TempInventory.Sample();
            var backend = new CountingBackend(new InventoryBackend(inventory.Path, () => TempInventory.Now));
            var resolver = new ServiceResolver(backend);
            var all = await backend.ListAsync(ServiceQuery.All, default);
            backend.Lists = 0;
            foreach (var s in all) await resolver.ResolveAsync(ServiceRef.ByHost(s.Host, s.Binary), default);
            foreach (var s in all) await resolver.ResolveAsync(ServiceRef.ById(s.Id!), default);
            // The first name is asked alone (one small request); every later one, and every id, comes from one listing.
            Assert.Equal(1, backend.Lists);
            Assert.Equal(1, backend.Resolves);
            Assert.Equal(1, resolver.Listings);

            var many = new ServiceResolver(backend, mayBeOne: false);
            backend.Lists = backend.Resolves = 0;
            foreach (var s in all) await many.ResolveAsync(ServiceRef.ByHost(s.Host, s.Binary), default);
            Assert.Equal((1, 0), (backend.Lists, backend.Resolves));
        }

        [Fact]
        public async Task ANameMissingFromTheListingIsAskedOfTheBackendOnce()
        {
            using var inventory = TempInventory.Sample();
            var backend = new CountingBackend(new InventoryBackend(inventory.Path, () => TempInventory.Now));
            var resolver = new ServiceResolver(backend);
            await resolver.ResolveAsync(ServiceRef.ByHost("compute-free-02"), default);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => resolver.ResolveAsync(ServiceRef.ByHost("COMPUTE-FREE-01"), default));
            Assert.Equal(ErrorIds.ServiceNotFound, ex.ErrorId);
            var legacy = await resolver.ResolveAsync(ServiceRef.ById("10"), default);
            Assert.Equal("compute-free-01", Assert.Single(legacy).Host);
            Assert.Equal(3, backend.Resolves);
            Assert.Equal(1, backend.Lists);
        }

        [Fact]
        public async Task APatternExpandsToEveryMatchAndNoneIsNotAnError()
        {
            using var inventory = TempInventory.Sample();
            var resolver = new ServiceResolver(new InventoryBackend(inventory.Path, () => TempInventory.Now));
            var free = await resolver.ResolveAsync(ServiceRef.ByHost("COMPUTE-FREE-*"), default);
            Assert.Equal(new[] { "compute-free-01", "compute-free-02" }, free.Select(s => s.Host));
            Assert.Empty(await resolver.ResolveAsync(ServiceRef.ByHost("nothing-*"), default));
        }
    }
}
