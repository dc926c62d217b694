using System;
using System.Linq;
using System.Threading.Tasks;
using ComputeServices.Tests.Faults;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>Issue 18: "still up and not forced down" only when a delete really went out to a live cloud.</summary>
    public sealed class RemovalNoiseTests
    {
        private static bool Warned(System.Management.Automation.PowerShell ps)
            => CmdletHost.Messages(ps.Streams.Warning).Any(m => m.Contains("still up and not forced down"));

        [Fact]
        public void A_delete_from_an_inventory_rehearsal_does_not_warn()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Remove-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-free-01").AddParameter("Force");

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.False(inventory.Has("compute-free-01"));
            Assert.False(Warned(ps));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void A_cloud_delete_warns_only_when_it_went_through(bool novaRefuses)
        {
            using var nova = new WireNova();
            if (novaRefuses)
                nova.Fault = async (request, exchange) =>
                {
                    if (request.Method != "DELETE") return false;
                    await exchange.RespondAsync(409, WireNova.NovaFault(409, "conflictingRequest",
                        "Unable to delete compute service that is hosting instances. Migrate or delete the instances first."));
                    return true;
                };
            using var ps = CmdletHost.Create();
            ps.AddScript(@"param($url)
                $c = Connect-ComputeService -Endpoint $url -Token (ConvertTo-SecureString 'static-admin-token' -AsPlainText -Force) -PassThru
                Remove-ComputeService -Connection $c -HostName compute-1 -Force -SkipFleetCheck").AddArgument(nova.ComputeUrl);

            ps.Invoke();

            Assert.Equal(novaRefuses, ps.Streams.Error.Count == 1);
            Assert.Equal(!novaRefuses, Warned(ps));
        }
    }
}
