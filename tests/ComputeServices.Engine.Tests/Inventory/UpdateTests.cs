using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using ComputeServices.Inventory;
using Xunit;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>UpdateAsync on the sample inventory: Nova's 2.53 PUT /os-services/{id} rules (ServiceController._update_v253 in nova/api/openstack/compute/services.py).</summary>
    public class UpdateTests : IDisposable
    {
        private readonly TempInventory _t = Sample();
        private readonly InventoryBackend _backend;

        public UpdateTests() => _backend = _t.Backend();

        public void Dispose() => _t.Dispose();

        private ComputeService Get(string host, string binary = "nova-compute") => Ops.Resolve(_backend, host, binary);
        private ServiceRecord Stored(string host, string binary = "nova-compute") => _t.Read().Services.Single(s => s.Host == host && s.Binary == binary);

        private ComputeServiceException Rejected(ComputeService service, ServiceChange change, string errorId)
        {
            var before = _t.Bytes();
            var ex = Assert.Throws<ComputeServiceException>(() => Ops.Update(_backend, service, change));
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Equal(before, _t.Bytes());
            return ex;
        }

        private static ServiceChange ChangeFromSample(string file)
        {
            using var req = JsonDocument.Parse(File.ReadAllText(TestData("v2.53", file)));
            var r = req.RootElement;
            return new ServiceChange(
                r.TryGetProperty("status", out var st) ? st.GetString() : null,
                r.TryGetProperty("disabled_reason", out var dr) ? dr.GetString() : null,
                r.TryGetProperty("forced_down", out var fd) ? fd.GetBoolean() : (bool?)null);
        }

        private static JsonElement SampleResponse(string file)
            => JsonDocument.Parse(File.ReadAllText(TestData("v2.53", file))).RootElement.GetProperty("service");

        [Fact]
        public void DisableWithReason_SetsStatusAndReason_AsTheNovaSample()
        {
            var change = ChangeFromSample("service-disable-log-put-req.json");
            var expected = SampleResponse("service-disable-log-put-resp.json");
            var result = Ops.Update(_backend, Get("compute-free-01"), change);
            Assert.Equal(expected.GetProperty("status").GetString(), result.Status);
            Assert.Equal(expected.GetProperty("disabled_reason").GetString(), result.DisabledReason);
            Assert.Equal(expected.GetProperty("forced_down").GetBoolean(), result.ForcedDown);
            Assert.Equal(expected.GetProperty("state").GetString(), result.State);
            var stored = Stored("compute-free-01");
            Assert.True(stored.Disabled);
            Assert.Equal("maintenance", stored.DisabledReason);
            Assert.Equal(result.Status, Get("compute-free-01").Status);
        }

        [Fact]
        public void PlainDisable_ClearsAnExistingReason()
        {
            var result = Ops.Update(_backend, Get("compute-down-01"), ChangeFromSample("service-disable-put-req.json"));
            var expected = SampleResponse("service-disable-put-resp.json");
            Assert.Equal(JsonValueKind.Null, expected.GetProperty("disabled_reason").ValueKind);
            Assert.Equal("disabled", result.Status);
            Assert.Null(result.DisabledReason);
            Assert.True(Stored("compute-down-01").Disabled);
            Assert.Null(Stored("compute-down-01").DisabledReason);
        }

        [Fact]
        public void Enable_ClearsTheReason()
        {
            var result = Ops.Update(_backend, Get("compute-down-01"), ChangeFromSample("service-enable-put-req.json"));
            Assert.Equal("enabled", result.Status);
            Assert.Null(result.DisabledReason);
            Assert.False(Stored("compute-down-01").Disabled);
            Assert.Null(Stored("compute-down-01").DisabledReason);
        }

        [Fact]
        public void EnableWithReason_IsInvalid_AndTheFileIsUnchanged()
        {
            var ex = Rejected(Get("compute-down-01"), new ServiceChange("enabled", "back in service"), ErrorIds.InvalidServiceUpdate);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
            Assert.Contains("Specifying 'disabled_reason' with status 'enabled' is invalid.", ex.Message);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(256)]
        [InlineData(1000)]
        public void ReasonOutside1To255_IsRejected(int length)
        {
            var ex = Rejected(Get("compute-free-01"), ServiceChange.Disable(new string('r', length)), ErrorIds.InvalidServiceUpdate);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(255)]
        public void ReasonOf1Or255Chars_IsAccepted(int length)
        {
            var reason = new string('r', length);
            Assert.Equal(reason, Ops.Update(_backend, Get("compute-free-01"), ServiceChange.Disable(reason)).DisabledReason);
            Assert.Equal(reason, Stored("compute-free-01").DisabledReason);
        }

        [Fact]
        public void EmptyChange_IsRejected_NoUpdatesRequested()
        {
            var ex = Rejected(Get("compute-free-01"), new ServiceChange(), ErrorIds.InvalidServiceUpdate);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
            Assert.Contains("No updates were requested. Fields 'status' or 'forced_down' should be specified.", ex.Message);
        }

        [Fact]
        public void ReasonOnly_IsRejected_NoUpdatesRequested()
        {
            var ex = Rejected(Get("compute-free-01"), new ServiceChange(disabledReason: "why"), ErrorIds.InvalidServiceUpdate);
            Assert.Contains("No updates were requested", ex.Message);
        }

        // Nova's _update_v253 looks the service up (404) and refuses non-compute binaries (400 "not supported") BEFORE it checks
        // enabled+reason and "No updates were requested" (_update_v253: checks 4 to 8). The inventory checks the body first.

        [Fact]
        public void NovaOrder_EmptyChangeOnAScheduler_IsUpdateNotSupported()
            => Rejected(Get("controller-01", "nova-scheduler"), new ServiceChange(), ErrorIds.ServiceUpdateNotSupported);

        [Fact]
        public void NovaOrder_EnableWithReasonOnAScheduler_IsUpdateNotSupported()
            => Rejected(Get("controller-01", "nova-scheduler"), new ServiceChange("enabled", "r"), ErrorIds.ServiceUpdateNotSupported);

        [Fact]
        public void NovaOrder_EmptyChangeOnAnUnknownUuid_IsServiceNotFound()
        {
            var ghost = new ComputeService(Guid.NewGuid().ToString(), "nova-compute", "ghost", "nova", "enabled", "up", false, null, Now);
            Rejected(ghost, new ServiceChange(), ErrorIds.ServiceNotFound);
        }

        [Fact]
        public void UnknownStatus_IsRejected()
            => Rejected(Get("compute-free-01"), new ServiceChange("Disabled"), ErrorIds.InvalidServiceUpdate);

        [Fact]
        public void ForcedDownTrue_AsTheNovaSample_MakesItDown()
        {
            var change = ChangeFromSample("service-force-down-put-req.json");
            Assert.True(change.ForcedDown);
            var before = Get("compute-free-01");
            Assert.Equal("up", before.State);
            var result = Ops.Update(_backend, before, change);
            Assert.True(result.ForcedDown);
            Assert.Equal(SampleResponse("service-force-down-put-resp.json").GetProperty("state").GetString(), result.State);
            Assert.Equal("enabled", result.Status); // forced_down alone leaves the status alone
            Assert.True(Stored("compute-free-01").ForcedDown);
        }

        [Fact]
        public void ForcedDownFalse_ClearsIt_AndKeepsStatusAndReason()
        {
            var result = Ops.Update(_backend, Get("compute-forced-down"), ServiceChange.SetForcedDown(false));
            Assert.False(result.ForcedDown);
            Assert.Equal("disabled", result.Status);
            Assert.Equal("forced down for maintenance", result.DisabledReason);
            Assert.False(Stored("compute-forced-down").ForcedDown);
        }

        [Fact]
        public void StatusAndForcedDown_AreAppliedTogether()
        {
            var result = Ops.Update(_backend, Get("compute-free-02"), new ServiceChange("disabled", "fencing", true));
            Assert.Equal("disabled", result.Status);
            Assert.Equal("fencing", result.DisabledReason);
            Assert.True(result.ForcedDown);
            Assert.Equal("down", result.State);
        }

        [Fact]
        public void Update_StampsUpdatedAt_WithTheClock_AndTouchesNothingElse()
        {
            _t.Clock = Now.AddMinutes(3).AddMilliseconds(700);
            var before = _t.Read();
            var result = Ops.Update(_backend, Get("compute-free-01"), ServiceChange.Disable("x"));
            Assert.Equal(Now.AddMinutes(3), result.UpdatedAt);
            var after = _t.Read();
            Assert.Equal(Now.AddMinutes(3), after.Services.Single(s => s.Host == "compute-free-01").UpdatedAt);
            foreach (var (b, a) in before.Services.Zip(after.Services))
            {
                if (b.Host == "compute-free-01") continue;
                Assert.Equal(JsonSerializer.Serialize(b), JsonSerializer.Serialize(a));
            }
        }

        [Theory]
        [InlineData("nova-scheduler")]
        [InlineData("nova-conductor")]
        public void UpdatingANonComputeService_IsNotSupported(string binary)
        {
            var ex = Rejected(Get("controller-01", binary), ServiceChange.Disable("x"), ErrorIds.ServiceUpdateNotSupported);
            Assert.Equal($"Updating a {binary} service is not supported. Only nova-compute services can be updated.", ex.Message);
            Rejected(Get("controller-01", binary), ServiceChange.SetForcedDown(true), ErrorIds.ServiceUpdateNotSupported);
        }

        [Fact]
        public void ForcingUpAHostWithDoneEvacuations_IsRefused_AndUnchanged()
        {
            var ex = Rejected(Get("compute-evacuated"), ServiceChange.SetForcedDown(false), ErrorIds.ServiceHasPendingEvacuations);
            Assert.StartsWith("Unable to force up host compute-evacuated as `done` evacuation migration records remain", ex.Message);
            Assert.True(Stored("compute-evacuated").ForcedDown);
        }

        [Fact]
        public void ForcingDownAHostWithDoneEvacuations_Works_AndSoDoesDisabling()
        {
            Assert.True(Ops.Update(_backend, Get("compute-evacuated"), ServiceChange.SetForcedDown(true)).ForcedDown);
            Assert.Equal("disabled", Ops.Update(_backend, Get("compute-evacuated"), ServiceChange.Disable("evacuated")).Status);
        }

        [Fact]
        public void ForcingUp_IgnoresDoneEvacuationsOfOtherHosts_AndNonEvacuations()
        {
            // compute-busy-02 is the destination of the 'done' evacuation, not its source.
            Ops.Update(_backend, Get("compute-busy-02"), ServiceChange.SetForcedDown(true));
            Assert.False(Ops.Update(_backend, Get("compute-busy-02"), ServiceChange.SetForcedDown(false)).ForcedDown);
        }

        [Fact]
        public void ANoOpUpdate_Succeeds_ButDoesNotMoveUpdatedAt()
        {
            Ops.Update(_backend, Get("compute-free-01"), ServiceChange.Disable("same"));
            var stamped = Stored("compute-free-01").UpdatedAt;
            _t.Clock = Now.AddMinutes(5);

            var result = Ops.Update(_backend, Get("compute-free-01"), ServiceChange.Disable("same"));
            Assert.Equal(stamped, result.UpdatedAt);
            Assert.Equal(stamped, Stored("compute-free-01").UpdatedAt);
            Ops.Update(_backend, Get("compute-free-01"), new ServiceChange(forcedDown: false));
            Assert.Equal(stamped, Stored("compute-free-01").UpdatedAt);

            Assert.Equal(Now.AddMinutes(5), Ops.Update(_backend, Get("compute-free-01"), ServiceChange.Disable("other")).UpdatedAt);
        }

        [Fact]
        public void UnknownUuid_IsServiceNotFound()
        {
            var ghost = new ComputeService(Guid.NewGuid().ToString(), "nova-compute", "ghost", "nova", "enabled", "up", false, null, Now);
            var ex = Rejected(ghost, ServiceChange.Disable(), ErrorIds.ServiceNotFound);
            Assert.Equal(FailureKind.NotFound, ex.Kind);
            Assert.Equal($"Service {ghost.Id} could not be found.", ex.Message);
            Assert.Equal(ErrorIds.ServiceNotFound,
                Assert.Throws<ComputeServiceException>(() => Ops.ResolveId(_backend, Guid.NewGuid().ToString())).ErrorId);
        }

        [Theory]
        [InlineData("abc")]
        [InlineData("disable")]
        [InlineData("-1")]
        [InlineData("1.5")]
        public void GarbageId_IsInvalidServiceId(string id)
        {
            var ex = Assert.Throws<ComputeServiceException>(() => Ops.ResolveId(_backend, id));
            Assert.Equal(ErrorIds.InvalidServiceId, ex.ErrorId);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
            var fake = new ComputeService(id, "nova-compute", "compute-free-01", "nova", "enabled", "up", false, null, Now);
            Rejected(fake, ServiceChange.Disable(), ErrorIds.InvalidServiceId);
        }

        [Fact]
        public void LegacyIntegerId_Resolves()
        {
            var s = Ops.ResolveId(_backend, "10");
            Assert.Equal("compute-free-01", s.Host);
            Assert.Equal("nova-compute", s.Binary);
            Assert.Equal(Stored("compute-free-01").Uuid, s.Id);
            Assert.Equal("controller-01", Ops.ResolveId(_backend, "2").Host);
            Assert.Equal(ErrorIds.ServiceNotFound, Assert.Throws<ComputeServiceException>(() => Ops.ResolveId(_backend, "99")).ErrorId);
        }

        [Fact]
        public void UuidResolution_MatchesTheStoredSpellingOnly()
        {
            var uuid = Stored("compute-free-01").Uuid;
            Assert.Equal("compute-free-01", Ops.ResolveId(_backend, uuid).Host);
            // As Nova's database: upper case, braces or no hyphens name no service (404), with the stored form as advice.
            foreach (var other in new[] { uuid.ToUpperInvariant(), "{" + uuid + "}", uuid.Replace("-", "") })
            {
                var ex = Assert.Throws<ComputeServiceException>(() => Ops.ResolveId(_backend, other));
                Assert.Equal(ErrorIds.ServiceNotFound, ex.ErrorId);
                Assert.Contains("Use '" + uuid + "'", ex.RecommendedAction);
            }
        }

        [Fact]
        public void HostAndBinary_Resolve_DefaultingToNovaCompute()
        {
            var c = Ops.Resolve(_backend, "compute-free-01");
            Assert.Equal("nova-compute", c.Binary);
            Assert.Equal(Stored("compute-free-01").Uuid, c.Id);
            Assert.Equal(ErrorIds.ServiceNotFound, Assert.Throws<ComputeServiceException>(
                () => Ops.Resolve(_backend, "controller-02")).ErrorId);
            var conductor = Ops.Resolve(_backend, "controller-02", "nova-conductor");
            Assert.Equal("down", conductor.State);
            Assert.Equal(Stored("controller-02", "nova-conductor").Uuid, conductor.Id);
        }

        [Fact]
        public void UnknownHost_IsServiceNotFound_NamingBinaryAndHost()
        {
            var ex = Assert.Throws<ComputeServiceException>(() => Ops.Resolve(_backend, "compute-nope"));
            Assert.Equal(ErrorIds.ServiceNotFound, ex.ErrorId);
            Assert.Equal("Could not find binary nova-compute on host compute-nope.", ex.Message);
            Assert.Equal(ErrorIds.ServiceNotFound, Assert.Throws<ComputeServiceException>(() => Ops.Resolve(_backend, "Compute-Free-01")).ErrorId);
        }
    }
}
