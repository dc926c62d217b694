using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using Xunit;

namespace ComputeServices.Tests.Integration
{
    /// <summary>Deletes a seeded host for real, then restores it (un-delete + seed) so the suite can run again.</summary>
    [Collection(SandboxCollection.Name)]
    public class NovaSandboxDeleteTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        [SandboxFact(deletes: true)]
        public async Task Deleting_a_free_compute_removes_it_from_its_aggregate()
        {
            using var backend = Sandbox.Backend();
            if (!(await backend.ListAsync(new ServiceQuery("compute-free-01", "nova-compute"), None)).Any())
                Sandbox.RestoreDeletedCompute("compute-free-01"); // an interrupted earlier run may have left it deleted
            try
            {
                var s = await backend.ResolveAsync(ServiceRef.ByHost("compute-free-01"), None);
                Assert.True((await backend.TestRemovalAsync(s, None)).CanRemove);
                Assert.Contains("compute-free-01", await AggregateHosts(backend, "agg-west"));

                await backend.DeleteAsync(s, None);

                Assert.Empty(await backend.ListAsync(new ServiceQuery("compute-free-01"), None));
                Assert.DoesNotContain("compute-free-01", await AggregateHosts(backend, "agg-west"));
            }
            finally
            {
                Sandbox.RestoreDeletedCompute("compute-free-01");
            }
            var back = Assert.Single(await backend.ListAsync(new ServiceQuery("compute-free-01", "nova-compute"), None));
            Assert.Equal("az-west", back.Zone);
            Assert.Contains("compute-free-01", await AggregateHosts(backend, "agg-west"));
        }

        private static async Task<string[]> AggregateHosts(NovaBackend backend, string name)
        {
            var response = await backend.Connection.SendAsync(HttpMethod.Get, "os-aggregates", null, None);
            using var doc = response.Json();
            var aggregate = doc.RootElement.GetProperty("aggregates").EnumerateArray().Single(a => a.GetProperty("name").GetString() == name);
            return aggregate.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()!).ToArray();
        }
    }
}
