using System;
using ComputeServices.Inventory;
using Xunit;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>Issue 17 case 7: an inventory exported from cells that repeat integer ids does not act on a guess.</summary>
    public class RepeatedIdTests
    {
        [Fact]
        public void An_id_two_cells_share_is_refused_as_Nova_refuses_it_and_a_unique_one_still_works()
        {
            var document = SampleInventory.Create(Now);
            document.Snapshot = new SnapshotRecord { RepeatedLegacyIds = { 2 } };
            using var t = With(document);
            using var backend = new InventoryBackend(t.Path, () => t.Clock);

            var ex = Assert.Throws<ComputeServiceException>(() => Ops.ResolveId(backend, "2"));
            Assert.Equal(ErrorIds.AmbiguousService, ex.ErrorId);
            Assert.Equal("Service id 2 refers to multiple services.", ex.Message);
            Assert.Equal("controller-01", Ops.ResolveId(backend, "3").Host);
            // The snapshot section survives the round trip through the file.
            Assert.Equal(new long[] { 2 }, new InventoryFile(t.Path).Read().Snapshot!.RepeatedLegacyIds);
        }
    }
}
