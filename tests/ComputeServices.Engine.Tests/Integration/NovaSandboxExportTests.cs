using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Inventory;
using Xunit;

namespace ComputeServices.Tests.Integration
{
    /// <summary>Differential: the exported inventory must answer like the Nova it was taken from.</summary>
    [Collection(SandboxCollection.Name)]
    public class NovaSandboxExportTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        [SandboxFact]
        public async Task An_exported_inventory_lists_and_blocks_like_Nova()
        {
            using var nova = Sandbox.Backend();
            var document = await nova.ExportInventoryAsync(None);
            var path = Path.Combine(Path.GetTempPath(), "cs-export-" + Guid.NewGuid().ToString("N") + ".json");
            try
            {
                new InventoryFile(path).Create(document, overwrite: false);
                using var local = new InventoryBackend(path);
                var remote = (await nova.ListAsync(ServiceQuery.All, None)).Where(s => !s.IsDownCell).OrderBy(s => s.Id).ToList();
                var mirrored = (await local.ListAsync(ServiceQuery.All, None)).OrderBy(s => s.Id).ToList();
                Assert.Equal(remote.Select(Shape), mirrored.Select(Shape));

                using var legacy = Sandbox.Backend("2.52");
                var ids = (await legacy.ListAsync(ServiceQuery.All, None)).ToDictionary(s => s.Binary + "@" + s.Host, s => long.Parse(s.Id!));
                Assert.All(document.Services, s => Assert.Equal(ids[s.Binary + "@" + s.Host], s.Id));

                foreach (var host in new[] { "compute-busy-01", "compute-busy-02", "compute-resize-src", "compute-live-dst", "compute-free-01", "compute-softdel", "compute-nonode", "compute-renamed" })
                {
                    var r = await nova.TestRemovalAsync(await nova.ResolveAsync(ServiceRef.ByHost(host), None), None);
                    var l = await local.TestRemovalAsync(await local.ResolveAsync(ServiceRef.ByHost(host), None), None);
                    Assert.Equal(r.Verdict, l.Verdict);
                    Assert.Equal(r.Instances.Select(i => i.Id).OrderBy(x => x), l.Instances.Select(i => i.Id).OrderBy(x => x));
                    Assert.Equal(r.Migrations.Select(m => m.Id + m.Role).OrderBy(x => x), l.Migrations.Select(m => m.Id + m.Role).OrderBy(x => x));
                }
            }
            finally
            {
                File.Delete(path);
            }
        }

        private static string Shape(ComputeService s)
            => $"{s.Id} {s.Binary}@{s.Host} zone={s.Zone} {s.Status}/{s.State} forced={s.ForcedDown} reason={s.DisabledReason}";
    }
}
