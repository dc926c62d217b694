using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using ComputeServices.Rules;
using Xunit;

namespace ComputeServices.Tests.Rules
{
    /// <summary>ServiceRules against Nova's own rules (nova/api/openstack/compute/services.py and schemas/services.py in Nova 26) and its v2.53 request samples.</summary>
    public class ServiceRulesTests
    {
        private static readonly DateTime Now = new DateTime(2012, 10, 29, 13, 42, 11, DateTimeKind.Utc); // Nova's fake_utcnow
        private static readonly TimeSpan DownTime = TimeSpan.FromSeconds(60);

        private static ComputeService Svc(string binary = "nova-compute", string host = "host1")
            => new ComputeService("e81d66a4-ddd3-4aba-8a84-171d1cb4d339", binary, host, "nova", "enabled", "up", false, null, Now);

        private static ComputeServiceException Invalid(ServiceChange change)
        {
            var ex = Assert.Throws<ComputeServiceException>(() => ServiceRules.ValidateChange(change));
            Assert.Equal(ErrorIds.InvalidServiceUpdate, ex.ErrorId);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
            Assert.NotNull(ex.RecommendedAction);
            return ex;
        }

        [Theory]
        [InlineData("service-disable-log-put-req.json")]
        [InlineData("service-disable-put-req.json")]
        [InlineData("service-enable-put-req.json")]
        [InlineData("service-force-down-put-req.json")]
        public void NovasV253RequestSamples_AreValidChanges(string sample)
        {
            var path = Path.Combine(AppContext.BaseDirectory, "TestData", "os-services", "v2.53", sample);
            using var req = JsonDocument.Parse(File.ReadAllText(path));
            var r = req.RootElement;
            Assert.All(r.EnumerateObject(), p => Assert.Contains(p.Name, new[] { "status", "disabled_reason", "forced_down" }));
            var change = new ServiceChange(
                r.TryGetProperty("status", out var st) ? st.GetString() : null,
                r.TryGetProperty("disabled_reason", out var dr) ? dr.GetString() : null,
                r.TryGetProperty("forced_down", out var fd) ? fd.GetBoolean() : (bool?)null);
            ServiceRules.ValidateChange(change); // does not throw
            Assert.True(change.Status != null || change.ForcedDown.HasValue);
        }

        [Fact]
        public void Factories_BuildTheSameBodiesAsNovasSamples()
        {
            Assert.Equal("status=disabled, disabled_reason='maintenance'", ServiceChange.Disable("maintenance").ToString());
            Assert.Equal("status=disabled", ServiceChange.Disable().ToString());
            Assert.Equal("status=enabled", ServiceChange.Enable().ToString());
            Assert.Equal("forced_down=true", ServiceChange.SetForcedDown(true).ToString());
            Assert.Null(ServiceChange.Enable().DisabledReason);
        }

        [Fact]
        public void EnabledWithReason_IsInvalid()
            => Assert.Equal("Specifying 'disabled_reason' with status 'enabled' is invalid.", Invalid(new ServiceChange("enabled", "r")).Message);

        [Fact]
        public void NothingToChange_IsInvalid()
        {
            const string msg = "No updates were requested. Fields 'status' or 'forced_down' should be specified.";
            Assert.Equal(msg, Invalid(new ServiceChange()).Message);
            Assert.Equal(msg, Invalid(new ServiceChange(disabledReason: "only a reason")).Message);
        }

        [Theory]
        [InlineData(0, false)]
        [InlineData(1, true)]
        [InlineData(255, true)]
        [InlineData(256, false)]
        public void ReasonLength_Is1To255(int length, bool ok)
        {
            var change = ServiceChange.Disable(new string('x', length));
            if (ok) ServiceRules.ValidateChange(change);
            else Assert.Contains("disabled_reason", Invalid(change).Message);
            Assert.Equal(255, ServiceRules.MaxReasonLength);
        }

        [Fact]
        public void ReasonLength_CountsCharacters_NotBytes()
            => ServiceRules.ValidateChange(ServiceChange.Disable(new string('\u00e9', 255)));

        // Nova's jsonschema maxLength is Python's len(): code points. An emoji is one, though it is two UTF-16 units.
        [Theory]
        [InlineData(255, true)]
        [InlineData(256, false)]
        public void ReasonLength_CountsCodePoints_NotUtf16Units(int emoji, bool ok)
        {
            var reason = string.Concat(Enumerable.Repeat("\U0001F600", emoji));
            Assert.Equal(emoji * 2, reason.Length);
            if (ok) ServiceRules.ValidateChange(ServiceChange.Disable(reason));
            else Assert.Contains($"not {emoji}", Invalid(ServiceChange.Disable(reason)).Message);
        }

        [Theory]
        [InlineData("a\U0001F600b", 3)]
        [InlineData("e\u0301", 2)]
        public void CharacterCount_IsPythonsLen(string text, int expected)
            => Assert.Equal(expected, ServiceRules.CharacterCount(text));

        [Fact]
        public void CharacterCount_CountsALoneSurrogateAsOne()
        {
            Assert.Equal(2, ServiceRules.CharacterCount(new string(new[] { '\ud800', 'x' })));
            Assert.Equal(2, ServiceRules.CharacterCount(new string(new[] { 'x', '\udc00' })));
        }

        [Theory]
        [InlineData("Enabled")]
        [InlineData("DISABLED")]
        [InlineData("up")]
        [InlineData("")]
        public void StatusOutsideTheEnum_IsInvalid(string status) => Invalid(new ServiceChange(status));

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void ForcedDownAlone_OrWithAStatus_IsValid(bool forced)
        {
            ServiceRules.ValidateChange(ServiceChange.SetForcedDown(forced));
            ServiceRules.ValidateChange(new ServiceChange("disabled", "r", forced));
            ServiceRules.ValidateChange(new ServiceChange("enabled", null, forced));
        }

        [Theory]
        [InlineData("nova-scheduler")]
        [InlineData("nova-conductor")]
        [InlineData("nova-osapi_compute")]
        [InlineData("Nova-Compute")]
        public void OnlyNovaCompute_IsUpdatable(string binary)
        {
            var ex = Assert.Throws<ComputeServiceException>(() => ServiceRules.EnsureUpdatable(Svc(binary)));
            Assert.Equal(ErrorIds.ServiceUpdateNotSupported, ex.ErrorId);
            Assert.Equal($"Updating a {binary} service is not supported. Only nova-compute services can be updated.", ex.Message);
            ServiceRules.EnsureUpdatable(Svc("nova-compute"));
        }

        [Fact]
        public void PendingEvacuations_HasNovasMessage()
        {
            var ex = ServiceRules.PendingEvacuations(Svc(host: "compute-evacuated"));
            Assert.Equal(ErrorIds.ServiceHasPendingEvacuations, ex.ErrorId);
            Assert.Equal("Unable to force up host compute-evacuated as `done` evacuation migration records remain associated with the host. " +
                         "Ensure the compute service has been restarted, allowing these records to move to `completed` before retrying this request.", ex.Message);
        }

        [Fact]
        public void DeleteBlockers_HaveNovasMessages_AndNameWhatBlocks()
        {
            var s = Svc(host: "compute-busy-01");
            var hosting = ServiceRules.HostingInstances(s, new[] { new InstanceSummary("i-1", "vm-a", "active"), new InstanceSummary("i-2", null, null) });
            Assert.Equal(ErrorIds.ServiceHostingInstances, hosting.ErrorId);
            Assert.Equal(FailureKind.Busy, hosting.Kind);
            Assert.Equal("Unable to delete compute service that is hosting instances. Migrate or delete the instances first.", hosting.Message);
            Assert.Contains("vm-a (i-1)", hosting.RecommendedAction);
            Assert.Contains("i-2", hosting.RecommendedAction);
            Assert.Same(s, hosting.Target);

            var m = new MigrationSummary("m-1", "running", "live-migration", "compute-busy-01", "compute-live-dst", "source");
            var migrating = ServiceRules.InProgressMigrations(s, new[] { m });
            Assert.Equal(ErrorIds.ServiceHasInProgressMigrations, migrating.ErrorId);
            Assert.Equal(FailureKind.Busy, migrating.Kind);
            Assert.Equal("Unable to delete compute service that has in-progress migrations. Complete the migrations or delete the instances first.", migrating.Message);
            Assert.Contains("live-migration m-1 (running) compute-busy-01 -> compute-live-dst", migrating.RecommendedAction);
        }

        [Fact]
        public void TerminalStatuses_AreExactlyNovas()
        {
            Assert.Equal(new[] { "cancelled", "completed", "confirmed", "done", "error", "failed", "reverted" },
                ServiceRules.TerminalMigrationStatuses.OrderBy(x => x, StringComparer.Ordinal));
        }

        [Theory]
        [InlineData("confirmed", false)]
        [InlineData("reverted", false)]
        [InlineData("error", false)]
        [InlineData("failed", false)]
        [InlineData("completed", false)]
        [InlineData("cancelled", false)]
        [InlineData("done", false)]
        [InlineData("accepted", true)]
        [InlineData("pre-migrating", true)]
        [InlineData("migrating", true)]
        [InlineData("post-migrating", true)]
        [InlineData("finished", true)]
        [InlineData("confirming", true)]
        [InlineData("reverting", true)]
        [InlineData("running", true)]
        [InlineData("preparing", true)]
        [InlineData("queued", true)]
        [InlineData("Confirmed", true)]   // SQL NOT IN on Nova's lowercase values
        [InlineData(null, false)]
        public void IsInProgress_IsEverythingButTheTerminalStatuses(string? status, bool inProgress)
            => Assert.Equal(inProgress, ServiceRules.IsInProgress(status));

        [Fact]
        public void HiddenBinaries_AreOsapiComputeAndMetadata()
        {
            Assert.Equal(new[] { "nova-metadata", "nova-osapi_compute" }, ServiceRules.HiddenBinaries.OrderBy(x => x, StringComparer.Ordinal));
            Assert.DoesNotContain("nova-compute", ServiceRules.HiddenBinaries);
        }

        [Theory]
        [InlineData(0, "up")]
        [InlineData(60, "up")]
        [InlineData(61, "down")]
        [InlineData(-60, "up")]
        [InlineData(-61, "down")]
        public void DeriveState_IsAbsElapsedWithinServiceDownTime(int secondsAgo, string expected)
            => Assert.Equal(expected, ServiceRules.DeriveState(false, Now.AddSeconds(-secondsAgo), Now.AddDays(-1), Now, DownTime));

        [Fact]
        public void DeriveState_FractionalSecondsBeyondTheLimit_AreDown()
            => Assert.Equal("down", ServiceRules.DeriveState(false, Now.AddSeconds(-60.5), null, Now, DownTime));

        [Fact]
        public void DeriveState_ForcedDown_IsDown()
            => Assert.Equal("down", ServiceRules.DeriveState(true, Now, Now, Now, DownTime));

        [Fact]
        public void DeriveState_FallsBackToCreatedAt_AndWithNeitherIsDown()
        {
            Assert.Equal("up", ServiceRules.DeriveState(false, null, Now.AddSeconds(-5), Now, DownTime));
            Assert.Equal("down", ServiceRules.DeriveState(false, null, Now.AddSeconds(-500), Now, DownTime));
            Assert.Equal("down", ServiceRules.DeriveState(false, null, null, Now, DownTime));
        }

        [Fact]
        public void DeriveState_TreatsUnspecifiedAsUtc_AndConvertsLocal()
        {
            var unspecified = DateTime.SpecifyKind(Now.AddSeconds(-10), DateTimeKind.Unspecified);
            Assert.Equal("up", ServiceRules.DeriveState(false, unspecified, null, Now, DownTime));
            var local = Now.AddSeconds(-10).ToLocalTime();
            Assert.Equal(DateTimeKind.Local, local.Kind);
            Assert.Equal("up", ServiceRules.DeriveState(false, local, null, Now, DownTime));
            Assert.Equal(Now, ServiceRules.AsUtc(Now.ToLocalTime()));
            Assert.Equal(DateTimeKind.Utc, ServiceRules.AsUtc(unspecified).Kind);
            Assert.Equal(unspecified.Ticks, ServiceRules.AsUtc(unspecified).Ticks);
        }

        [Fact]
        public void DeriveZone_FollowsNovasAvailabilityZones()
        {
            Assert.Equal("internal", ServiceRules.DeriveZone("nova-scheduler", new[] { "az-1" }, "nova", "internal"));
            Assert.Equal("nova", ServiceRules.DeriveZone("nova-compute", Array.Empty<string>(), "nova", "internal"));
            Assert.Equal("nova", ServiceRules.DeriveZone("nova-compute", new[] { "", null! }, "nova", "internal"));
            Assert.Equal("az-1", ServiceRules.DeriveZone("nova-compute", new[] { "az-1", "az-1" }, "nova", "internal"));
            Assert.Equal("AZ-b,az-a,az-c", ServiceRules.DeriveZone("nova-compute", new[] { "az-c", "az-a", "AZ-b" }, "nova", "internal"));
        }
    }
}
