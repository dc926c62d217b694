using System;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>-WhatIf, -Confirm, -Force and -PassThru, in a host with no UI (no prompt can be answered).</summary>
    public sealed class ShouldProcessTests
    {
        public static TheoryData<string, string[]> Mutations => new TheoryData<string, string[]>
        {
            { "Disable-ComputeService", new[] { "-Reason", "maint" } },
            { "Enable-ComputeService", new string[0] },
            { "Set-ComputeServiceForcedDown", new[] { "-ForcedDown", "$true" } },
            { "Remove-ComputeService", new[] { "-Force" } },
            { "Remove-ComputeService", new string[0] },
        };

        [Theory]
        [MemberData(nameof(Mutations))]
        public void WhatIfChangesNothingAndPassesNothingThrough(string cmdlet, string[] extra)
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddScript($"param($p) {cmdlet} -InventoryPath $p -HostName compute-free-01, compute-down-01 {string.Join(" ", extra)} -PassThru -WhatIf")
                .AddArgument(inventory.FilePath);

            var output = ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Empty(output);
            Assert.Equal(before, inventory.Text());
        }

        [Fact]
        public void WhatIfPreferenceBeatsForce()
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p) $WhatIfPreference = $true; Remove-ComputeService -InventoryPath $p -HostName compute-free-01 -Force")
                .AddArgument(inventory.FilePath);

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal(before, inventory.Text());
        }

        [Fact]
        public void WhatIfOnABusyServiceWarnsWhyNovaWouldRefuse()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Remove-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-busy-01").AddParameter("WhatIf");

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Contains(CmdletHost.Messages(ps.Streams.Warning), m => m.Contains("Nova would refuse") && m.Contains("vm-busy1-a"));
            Assert.True(inventory.Has("compute-busy-01"));
        }

        [Fact]
        public void RemoveWithoutForceOrConfirmFalseCannotPromptAndDeletesNothing()
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Remove-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-free-01");

            // ConfirmImpact High meets the default $ConfirmPreference High: the prompt needs a host UI there is not.
            AssertPromptFailed(ps);
            Assert.Equal(before, inventory.Text());
            Assert.True(inventory.Has("compute-free-01"));
        }

        [Fact]
        public void ExplicitConfirmStillAppliesWithForce()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p) Remove-ComputeService -InventoryPath $p -HostName compute-free-01 -Force -Confirm")
                .AddArgument(inventory.FilePath);

            AssertPromptFailed(ps);
            Assert.True(inventory.Has("compute-free-01"));
        }

        // The confirmation was asked for (and failed for want of a UI): a thrown HostException or an error record of one.
        private static void AssertPromptFailed(PowerShell ps)
        {
            Exception? failure;
            try
            {
                ps.Invoke();
                failure = Assert.Single(ps.Streams.Error).Exception;
            }
            catch (RuntimeException ex)
            {
                failure = ex;
            }
            while (failure is not HostException && failure?.InnerException != null) failure = failure.InnerException;
            var host = Assert.IsType<HostException>(failure);
            Assert.Contains("Delete compute service", host.Message);
        }

        [Theory]
        [InlineData("-Force")]
        [InlineData("-Confirm:$false")]
        public void ForceOrConfirmFalseDeletes(string how)
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddScript($"param($p) Remove-ComputeService -InventoryPath $p -HostName compute-free-01, compute-free-02 {how}")
                .AddArgument(inventory.FilePath);

            var output = ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Empty(output);
            Assert.False(inventory.Has("compute-free-01"));
            Assert.False(inventory.Has("compute-free-02"));
            Assert.True(inventory.Has("compute-busy-01"));
        }

        [Fact]
        public void PassThruReturnsTheUpdatedServicesInUtc()
        {
            using var inventory = new TempInventory();
            var started = DateTime.UtcNow.AddSeconds(-1);
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-free-01", "compute-free-02" })
                .AddParameter("Reason", "kernel upgrade").AddParameter("PassThru");

            var output = ps.Invoke().Select(o => Assert.IsType<ComputeService>(o.BaseObject)).ToList();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal(new[] { "compute-free-01", "compute-free-02" }, output.Select(s => s.Host));
            Assert.All(output, s =>
            {
                Assert.Equal(ServiceStatus.Disabled, s.Status);
                Assert.Equal("kernel upgrade", s.DisabledReason);
                Assert.NotNull(s.UpdatedAt);
                Assert.Equal(DateTimeKind.Utc, s.UpdatedAt!.Value.Kind);
                Assert.True(s.UpdatedAt.Value >= started.AddSeconds(-1), $"UpdatedAt {s.UpdatedAt:o} is older than the call");
                Assert.Equal(inventory.FilePath, s.Source);
            });
        }

        [Fact]
        public void PassThruOnSetForcedDownAndEnable()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p) Set-ComputeServiceForcedDown -InventoryPath $p -HostName compute-free-01 -ForcedDown $true -Disable -Reason fenced -PassThru | " +
                         "Enable-ComputeService -InventoryPath $p -PassThru")
                .AddArgument(inventory.FilePath);

            var service = (ComputeService)Assert.Single(ps.Invoke()).BaseObject;

            Assert.Empty(ps.Streams.Error);
            Assert.Equal(ServiceStatus.Enabled, service.Status);
            Assert.Null(service.DisabledReason);
            Assert.True(service.ForcedDown);
            Assert.Equal(ServiceState.Down, service.State);
            Assert.Equal(DateTimeKind.Utc, service.UpdatedAt!.Value.Kind);
        }

        [Fact]
        public void WithoutPassThruMutationsWriteNothing()
        {
            using var inventory = new TempInventory();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath).AddParameter("HostName", "compute-free-01");

            Assert.Empty(ps.Invoke());
            Assert.True(inventory.Service("compute-free-01").Disabled);
        }
    }
}
