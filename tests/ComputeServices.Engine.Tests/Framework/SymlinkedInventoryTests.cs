using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using ComputeServices.Inventory;
using Xunit;

namespace ComputeServices.Tests.Framework
{
    /// <summary>
    /// A symlinked inventory: followed where the runtime can follow links (.NET 6+, PowerShell 7), refused with
    /// InvalidInventoryPath where it cannot (.NET Framework, Windows PowerShell 5.1; this suite also runs under Mono,
    /// which lacks File.ResolveLinkTarget as .NET Framework does), never replaced by a plain file.
    /// </summary>
    public class SymlinkedInventoryTests
    {
        [Fact]
        public void A_symlinked_inventory_is_followed_or_refused_with_InvalidInventoryPath_never_used_as_given()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return; // the link is made with ln(1) below
            var folder = Path.Combine(Path.GetTempPath(), "cs-link-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                var target = Path.Combine(folder, "real.json");
                var link = Path.Combine(folder, "link.json");
                File.WriteAllText(target, "{}");
                using (var ln = Process.Start(new ProcessStartInfo("ln", $"-s \"{target}\" \"{link}\"") { UseShellExecute = false })!)
                {
                    ln.WaitForExit();
                    Assert.Equal(0, ln.ExitCode);
                }

                var canFollow = typeof(File).GetMethod("ResolveLinkTarget", new[] { typeof(string), typeof(bool) }) != null;
                if (canFollow)
                {
                    Assert.Equal(target, InventoryPaths.ResolveTarget(link));
                }
                else
                {
                    var ex = Assert.Throws<ComputeServiceException>(() => InventoryPaths.ResolveTarget(link));
                    Assert.Equal(ErrorIds.InvalidInventoryPath, ex.ErrorId);
                    Assert.Contains("symbolic link", ex.Message);
                    Assert.Contains("PowerShell 7", ex.Message);
                }
                Assert.Equal(target, InventoryPaths.ResolveTarget(target));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
