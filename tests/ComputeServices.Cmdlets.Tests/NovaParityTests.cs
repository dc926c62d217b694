using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>Where the module used to differ from Nova in small ways (issue 17, case 6), over a real loopback Nova.</summary>
    public sealed class NovaParityTests
    {
        [Fact]
        public void WaitForcedDownBelow211IsRefusedAtOnceNamingTheMicroversion()
        {
            using var nova = new StatefulNova().With("compute-01");
            using var ps = CmdletHost.Create();
            ps.AddScript(nova.ConnectLine.Replace("-PassThru", "-ApiVersion 2.10 -PassThru") +
                         "\nWait-ComputeService -Connection $c -HostName compute-01 -ForcedDown $true -TimeoutSec 60 -PollIntervalSec 1");

            var watch = Stopwatch.StartNew();
            ps.Invoke();

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
            var error = Assert.Single(ps.Streams.Error);
            Assert.StartsWith("ApiVersionNotSupported,", error.FullyQualifiedErrorId);
            Assert.Contains("2.11", error.Exception.Message);
            Assert.Contains("2.10", error.Exception.Message);
        }

        [Fact]
        public void WaitForcedDownAt211IsNotRefused()
        {
            using var nova = new StatefulNova().With("compute-01");
            nova.Of("compute-01").ForcedDown = true;
            using var ps = CmdletHost.Create();
            ps.AddScript(nova.ConnectLine.Replace("-PassThru", "-ApiVersion 2.11 -PassThru") +
                         "\nWait-ComputeService -Connection $c -HostName compute-01 -ForcedDown $true -TimeoutSec 10 -PollIntervalSec 1 -PassThru");

            var output = ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.Equal("compute-01", ((ComputeService)Assert.Single(output).BaseObject).Host);
        }

        [Theory]
        [InlineData("Get-ComputeService", "")]
        [InlineData("Disable-ComputeService", "-Reason spaced")]
        [InlineData("Enable-ComputeService", "")]
        [InlineData("Set-ComputeServiceForcedDown", "-ForcedDown $true")]
        [InlineData("Remove-ComputeService", "-Force")]
        [InlineData("Test-ComputeServiceRemoval", "")]
        [InlineData("Wait-ComputeService", "-State up -TimeoutSec 5 -PollIntervalSec 1")]
        [InlineData("Resume-ComputeService", "-TimeoutSec 5")]
        public void AHostNameWithSurroundingWhiteSpaceIsNotTrimmed(string command, string more)
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddScript($"param($p) {command} -InventoryPath $p -HostName ' compute-free-01' {more}").AddArgument(inventory.FilePath);

            var output = ps.Invoke();

            Assert.Empty(output);
            var error = Assert.Single(ps.Streams.Error);
            Assert.StartsWith("ServiceNotFound,", error.FullyQualifiedErrorId);
            Assert.Contains("white space", error.ErrorDetails.RecommendedAction);
            Assert.Equal(before, inventory.Text());
        }

        [Fact]
        public void ACsvRowWithASpacedHostIsNotTrimmed()
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p) [pscustomobject]@{ Host = 'compute-free-01 '; Binary = 'nova-compute' } | Disable-ComputeService -InventoryPath $p -Reason spaced")
                .AddArgument(inventory.FilePath);

            ps.Invoke();

            Assert.StartsWith("ServiceNotFound,", Assert.Single(ps.Streams.Error).FullyQualifiedErrorId);
            Assert.Equal(before, inventory.Text());
        }

        [Theory]
        [InlineData("Get-ComputeService", "")]
        [InlineData("Disable-ComputeService", "-Reason spelled")]
        [InlineData("Remove-ComputeService", "-Force")]
        [InlineData("Wait-ComputeService", "-State up -TimeoutSec 5 -PollIntervalSec 1")]
        [InlineData("Resume-ComputeService", "-TimeoutSec 5")]
        [InlineData("Test-ComputeServiceRemoval", "")]
        public void AUuidSpelledOtherwiseThanStoredNamesNoServiceInTheInventory(string command, string more)
        {
            using var inventory = new TempInventory();
            var uuid = inventory.IdOf("compute-free-01");
            var before = inventory.Text();
            foreach (var spelling in new[] { uuid.ToUpperInvariant(), "{" + uuid + "}", uuid.Replace("-", "") })
            {
                using var ps = CmdletHost.Create();
                ps.AddScript($"param($p, $id) {command} -InventoryPath $p -Id $id {more}").AddArgument(inventory.FilePath).AddArgument(spelling);

                var output = ps.Invoke();

                Assert.Empty(output);
                var error = Assert.Single(ps.Streams.Error);
                Assert.StartsWith("ServiceNotFound,", error.FullyQualifiedErrorId);
                Assert.Equal(before, inventory.Text());
            }
        }

        [Fact]
        public void AnUpperCaseUuidSendsNothingToNova()
        {
            using var nova = new StatefulNova().With("compute-01");
            var uuid = nova.Of("compute-01").Id;
            using var ps = CmdletHost.Create();
            ps.AddScript(nova.ConnectLine + "\nDisable-ComputeService -Connection $c -Id '" + uuid.ToUpperInvariant() + "' -Reason spelled");

            ps.Invoke();

            var error = Assert.Single(ps.Streams.Error);
            Assert.StartsWith("ServiceNotFound,", error.FullyQualifiedErrorId);
            Assert.Contains("Use '" + uuid + "'", error.ErrorDetails.RecommendedAction);
            Assert.Equal(0, nova.Puts);
            Assert.False(nova.Of("compute-01").Disabled);
        }

        [Theory]
        [InlineData("Disable-ComputeService", "-Reason legacy")]
        [InlineData("Enable-ComputeService", "")]
        [InlineData("Set-ComputeServiceForcedDown", "-ForcedDown $true")]
        public void ANonComputeBinaryOnAMissingHostIsRefusedForTheBinaryFirstOnALegacyCloud(string command, string more)
        {
            using var nova = new StatefulNova().With("compute-01");
            using var ps = CmdletHost.Create();
            ps.AddScript(nova.ConnectLine.Replace("-PassThru", "-ApiVersion 2.52 -PassThru") +
                         $"\n{command} -Connection $c -HostName no-such-host -Binary nova-scheduler {more}");

            ps.Invoke();

            var error = Assert.Single(ps.Streams.Error);
            Assert.StartsWith("ServiceUpdateNotSupported,", error.FullyQualifiedErrorId);
            Assert.Contains("Updating a nova-scheduler service is not supported", error.Exception.Message);
            Assert.Equal(0, nova.Puts);
        }

        [Theory]
        [InlineData("Disable-ComputeService", "-Reason legacy")]
        [InlineData("Resume-ComputeService", "-TimeoutSec 5")]
        public void ANonComputeBinaryOnAMissingHostIsRefusedForTheBinaryFirstInTheInventory(string command, string more)
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddScript($"param($p) {command} -InventoryPath $p -HostName no-such-host -Binary nova-scheduler {more}").AddArgument(inventory.FilePath);

            ps.Invoke();

            Assert.StartsWith("ServiceUpdateNotSupported,", Assert.Single(ps.Streams.Error).FullyQualifiedErrorId);
            Assert.Equal(before, inventory.Text());
        }

        private static string AddHiddenApiRecord(TempInventory inventory)
        {
            const string uuid = "9f0e2c4a-0000-4000-8000-0000000000a1";
            inventory.File.Update(d =>
            {
                d.Services.Add(new ComputeServices.Inventory.ServiceRecord
                {
                    Id = 98, Uuid = uuid, Binary = "nova-osapi_compute", Host = "controller-01",
                    LastSeenUp = DateTime.UtcNow, CreatedAt = DateTime.UtcNow,
                });
                return true;
            });
            return uuid;
        }

        [Fact]
        public void AHiddenApiRecordIsDeletedByUuidAsNovaDoesAndNamedInThePreFlight()
        {
            using var inventory = new TempInventory();
            var uuid = AddHiddenApiRecord(inventory);
            using (var check = CmdletHost.Create())
            {
                // The pre-flight names the record it found (the listing hides it) and, as Nova, sees nothing against the delete.
                check.AddScript("param($p, $id) Test-ComputeServiceRemoval -InventoryPath $p -Id $id").AddArgument(inventory.FilePath).AddArgument(uuid);
                var verdict = Assert.Single(check.Invoke());
                Assert.Empty(check.Streams.Error);
                var removal = Assert.IsType<RemovalCheck>(verdict.BaseObject);
                Assert.Equal(("controller-01", "nova-osapi_compute"), (removal.Service.Host, removal.Service.Binary));
                Assert.True(removal.CanRemove);
                Assert.Contains(inventory.Read().Services, s => s.Uuid == uuid);
            }
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p, $id) Remove-ComputeService -InventoryPath $p -Id $id -Force").AddArgument(inventory.FilePath).AddArgument(uuid);

            ps.Invoke();

            Assert.Empty(ps.Streams.Error);
            Assert.DoesNotContain(inventory.Read().Services, s => s.Uuid == uuid);
        }

        [Theory]
        [InlineData("Disable-ComputeService", "-Reason hidden")]
        [InlineData("Get-ComputeService", "")]
        [InlineData("Wait-ComputeService", "-State up -TimeoutSec 5 -PollIntervalSec 1")]
        public void AHiddenApiRecordIsNotFoundForAnythingButADelete(string command, string more)
        {
            using var inventory = new TempInventory();
            var uuid = AddHiddenApiRecord(inventory);
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddScript($"param($p, $id) {command} -InventoryPath $p -Id $id {more}").AddArgument(inventory.FilePath).AddArgument(uuid);

            ps.Invoke();

            Assert.StartsWith("ServiceNotFound,", Assert.Single(ps.Streams.Error).FullyQualifiedErrorId);
            Assert.Equal(before, inventory.Text());
        }

        [Fact]
        public void AnUnlistedUuidOnACloudIsNotFoundWithAdviceAboutHiddenRecords()
        {
            using var nova = new StatefulNova().With("compute-01");
            using var ps = CmdletHost.Create();
            ps.AddScript(nova.ConnectLine + "\nRemove-ComputeService -Connection $c -Id 9f0e2c4a-0000-4000-8000-0000000000a1 -Force");

            ps.Invoke();

            var error = Assert.Single(ps.Streams.Error);
            Assert.StartsWith("ServiceNotFound,", error.FullyQualifiedErrorId);
            Assert.Contains("nova-osapi_compute", error.ErrorDetails.RecommendedAction);
            Assert.Contains("openstack compute service delete", error.ErrorDetails.RecommendedAction);
        }
    }
}
