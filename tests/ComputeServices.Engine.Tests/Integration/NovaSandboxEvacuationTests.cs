using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ComputeServices.Tests.Integration
{
    /// <summary>Pending evacuations read from the real Nova: Nova's own source_compute and migration_type filters, read-only.</summary>
    [Collection(SandboxCollection.Name)]
    public class NovaSandboxEvacuationTests
    {
        [SandboxTheory]
        [InlineData(null)]
        [InlineData("2.11")]
        public async Task The_seeded_done_evacuation_names_compute_evacuated_as_source_only(string? pin)
        {
            using var backend = Sandbox.Backend(pin);

            var pending = Assert.Single(await backend.ListPendingEvacuationsAsync("compute-evacuated", CancellationToken.None));

            Assert.Equal("done", pending.Status);
            Assert.Equal("evacuation", pending.MigrationType);
            Assert.Equal("compute-busy-02", pending.DestinationHost);
            // The destination of that evacuation, and a host with other (live, resize) migrations, have none as source.
            Assert.Empty(await backend.ListPendingEvacuationsAsync("compute-busy-02", CancellationToken.None));
            Assert.Empty(await backend.ListPendingEvacuationsAsync("compute-busy-01", CancellationToken.None));
        }
    }
}
