using System;
using ComputeServices.Rules;
using Xunit;

namespace ComputeServices.Tests.Rules
{
    /// <summary>The decisions of issue 16 that live in Rules/: ownership, force-up evacuations, Resume's steps, identity.</summary>
    public sealed class BatchDecisionTests
    {
        private static ComputeService Svc(string status = "enabled", string? reason = null, string state = "up", bool forcedDown = false,
            string? id = "3f1ee6a4-1d2c-4f4c-9b67-2a4c57a0c101", string host = "compute-1", string binary = "nova-compute")
            => new ComputeService(id, binary, host, "nova", status, state, forcedDown, reason, null);

        [Theory]
        [InlineData("enabled", null, true)]
        [InlineData("disabled", "[teamA] patch", true)]       // the owner's own disable is rewritten
        [InlineData("disabled", "[TEAMA]", true)]             // owners compare case-insensitively
        [InlineData("disabled", "[teamB] patch", false)]
        [InlineData("disabled", "AUTO: Connection to libvirt lost: 1", false)]
        [InlineData("disabled", null, false)]
        public void DisableAsOwner_proceeds_only_on_an_enabled_service_or_the_owners_own_disable(string status, string? reason, bool proceeds)
        {
            var decision = Ownership.Decide(Svc(status, reason), OwnershipCheck.DisableAs("teamA"));
            Assert.Equal(proceeds, decision.Proceeds);
            if (!proceeds) Assert.Contains("-TakeOver", decision.Message);
        }

        [Theory]
        [InlineData("disabled", "[teamA] patch", true, false)]
        [InlineData("disabled", "[teamB] patch", false, true)]
        [InlineData("enabled", null, false, false)]            // already enabled: a quiet skip, not a warning
        public void EnableIfOwner_proceeds_only_on_that_owners_disable(string status, string? reason, bool proceeds, bool warns)
        {
            var decision = Ownership.Decide(Svc(status, reason), OwnershipCheck.EnableIfOwner("teamA"));
            Assert.Equal(proceeds, decision.Proceeds);
            Assert.Equal(warns, decision.IsWarning);
        }

        [Fact]
        public void Enforce_throws_a_skip_that_carries_the_current_service()
        {
            var current = Svc("disabled", "[teamB]");
            var skip = Assert.Throws<ServiceSkippedException>(() => Ownership.Enforce(current, OwnershipCheck.DisableAs("teamA")));
            Assert.Same(current, skip.Service);
            Assert.True(skip.IsWarning);
            Ownership.Enforce(current, null);   // no check: nothing to decide
        }

        [Theory]
        [InlineData("done", "evacuation", "compute-1", true)]
        [InlineData("done", null, "compute-1", true)]          // below 2.23 there is no migration_type
        [InlineData("completed", "evacuation", "compute-1", false)]
        [InlineData("done", "live-migration", "compute-1", false)]
        [InlineData("done", "evacuation", "compute-2", false)]
        public void A_force_up_is_blocked_only_by_done_evacuations_from_the_host(string status, string? type, string source, bool blocks)
        {
            Assert.Equal(blocks, Evacuations.BlocksForceUp(status, type, source, "compute-1"));
            var current = Svc(forcedDown: true, state: "down");
            if (blocks)
                Assert.Equal(ErrorIds.ServiceHasPendingEvacuations,
                    Assert.Throws<ComputeServiceException>(() => Evacuations.EnsureForceUpAllowed(current, ServiceChange.SetForcedDown(false), true)).ErrorId);
            Evacuations.EnsureForceUpAllowed(current, ServiceChange.SetForcedDown(true), true);   // forcing down is never blocked
        }

        [Fact]
        public void Resume_steps_follow_Novas_order()
        {
            Assert.Equal(ResumeStep.WaitForEvacuations, ResumeSteps.Next(1, Svc(forcedDown: true, state: "down"), null));
            Assert.Equal(ResumeStep.ClearForcedDown, ResumeSteps.Next(0, Svc(forcedDown: true, state: "down"), null));
            Assert.Equal(ResumeStep.WaitUntilUp, ResumeSteps.Next(0, Svc(state: "down"), null));
            Assert.Equal(ResumeStep.Enable, ResumeSteps.Next(0, Svc("disabled", "[fencing] evacuated"), "fencing"));
            Assert.Equal(ResumeStep.Done, ResumeSteps.Next(0, Svc("disabled", "[ops]"), "fencing"));
            Assert.Equal(ResumeStep.Done, ResumeSteps.Next(0, Svc("disabled", "[fencing]"), null));
            Assert.Equal(ResumeStep.Done, ResumeSteps.Next(0, Svc(), "fencing"));
            Assert.Contains("not by 'fencing'", ResumeSteps.StaysDisabledWarning(Svc("disabled", "[ops]"), "fencing"));
            Assert.Contains("-Owner", ResumeSteps.StaysDisabledWarning(Svc("disabled", "[ops]"), null));
            Assert.Null(ResumeSteps.StaysDisabledWarning(Svc(), "fencing"));
        }

        [Fact]
        public void One_identity_by_id_as_stored_else_by_host_and_binary()
        {
            var listed = Svc();
            Assert.True(ServiceIdentity.Same(listed, Svc(id: "3f1ee6a4-1d2c-4f4c-9b67-2a4c57a0c101", host: "renamed")));
            Assert.False(ServiceIdentity.Same(listed, Svc(id: "3F1EE6A41D2C4F4C9B672A4C57A0C101", host: "renamed")));   // as Nova's database
            Assert.False(ServiceIdentity.Same(listed, Svc(id: "3f1ee6a4-1d2c-4f4c-9b67-2a4c57a0c102")));
            Assert.True(ServiceIdentity.Same(Svc(id: null), listed));                      // a down-cell record has no id
            Assert.False(ServiceIdentity.Same(Svc(id: null, binary: "nova-scheduler"), listed));
            Assert.True(ServiceIdentity.Names(ServiceRef.ByHost("compute-1"), listed));
            Assert.False(ServiceIdentity.Names(ServiceRef.ByHost("Compute-1"), listed)); // host names are case-sensitive, as in Nova
            Assert.True(ServiceIdentity.Names(ServiceRef.ById(" 3f1ee6a4-1d2c-4f4c-9b67-2a4c57a0c101 "), listed));
            Assert.Same(listed, ServiceIdentity.Find(new[] { Svc(id: "3f1ee6a4-1d2c-4f4c-9b67-2a4c57a0c102", host: "x"), listed }, Svc(id: null)));
        }
    }
}
