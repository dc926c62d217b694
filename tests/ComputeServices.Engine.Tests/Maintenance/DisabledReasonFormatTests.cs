using System;
using System.Linq;
using ComputeServices.Rules;
using Xunit;

namespace ComputeServices.Tests.Maintenance
{
    public class DisabledReasonFormatTests
    {
        private static ComputeService Disabled(string? reason)
            => new ComputeService("7", "nova-compute", "compute-01", "nova", ServiceStatus.Disabled, ServiceState.Up, false, reason, null);

        [Fact]
        public void Writes_owner_text_and_ticket_in_the_documented_form()
        {
            Assert.Equal("[patching] kernel upgrade (CHG123)", DisabledReasonFormat.Format("patching", "kernel upgrade", "CHG123"));
            Assert.Equal("[patching] (CHG123)", DisabledReasonFormat.Format("patching", null, "CHG123"));
            Assert.Equal("[patching] kernel upgrade", DisabledReasonFormat.Format("patching", "  kernel upgrade ", null));
            Assert.Equal("[patching]", DisabledReasonFormat.Format("patching", " ", null));
        }

        [Theory]
        [InlineData("patching", "kernel upgrade", "CHG123")]
        [InlineData("team.storage@dc1", null, "INC-4711")]
        [InlineData("rack-12", "PSU swap [urgent] (x) done", "JIRA/OPS-1")]
        [InlineData("a", "x", null)]
        public void Parses_what_it_writes(string owner, string? text, string? ticket)
        {
            var info = DisabledReasonFormat.Parse(DisabledReasonFormat.Format(owner, text, ticket));
            Assert.Equal(owner, info.DisabledBy);
            Assert.Equal(ticket, info.Ticket);
            Assert.Equal(text, info.Text);
            Assert.Null(info.ManagedBy);
        }

        [Fact]
        public void Stays_within_255_code_points_and_never_cuts_owner_or_ticket()
        {
            var owner = new string('o', 64);
            var ticket = new string('T', 64);
            var text = string.Concat(Enumerable.Repeat("\U0001F525 long text ", 60));
            var reason = DisabledReasonFormat.Format(owner, text, ticket);

            Assert.InRange(DisabledReasonFormat.CodePoints(reason), ServiceRules.MaxReasonLength - 2, ServiceRules.MaxReasonLength);
            Assert.True(reason.Length > ServiceRules.MaxReasonLength, "the emoji take two UTF-16 units each");
            Assert.EndsWith("\u2026 (" + ticket + ")", reason);
            var info = DisabledReasonFormat.Parse(reason);
            Assert.Equal(owner, info.DisabledBy);
            Assert.Equal(ticket, info.Ticket);
            Assert.False(char.IsHighSurrogate(reason[reason.IndexOf('\u2026') - 1]), "a surrogate pair is never split");
        }

        [Theory]
        [InlineData("", null)]
        [InlineData("two words", null)]
        [InlineData("[x]", null)]
        [InlineData("-leading", null)]
        [InlineData("patching", "has space")]
        [InlineData("patching", "(paren)")]
        public void Rejects_owners_and_tickets_it_could_not_read_back(string owner, string? ticket)
        {
            var ex = Assert.Throws<ComputeServiceException>(() => DisabledReasonFormat.Format(owner, "text", ticket));
            Assert.Equal(ErrorIds.InvalidServiceUpdate, ex.ErrorId);
        }

        [Fact]
        public void Rejects_a_text_that_would_read_back_as_a_ticket()
        {
            var ex = Assert.Throws<ComputeServiceException>(() => DisabledReasonFormat.Format("patching", "kernel (v2)", null));
            Assert.Equal(ErrorIds.InvalidServiceUpdate, ex.ErrorId);
            Assert.Equal("[patching] kernel (v2) (CHG1)", DisabledReasonFormat.Format("patching", "kernel (v2)", "CHG1"));
        }

        [Theory]
        [InlineData("AUTO: Connection to libvirt lost: 1", "nova-compute")]
        [InlineData("set by vmwareapi host_state", "nova-compute")]
        [InlineData("New compute service disabled due to config option.", "nova")]
        [InlineData("New service disabled due to config option.", "nova")]
        [InlineData("Masakari detected host failed.", "masakari")]
        [InlineData("instanceha evacuation: 2024-01-01T00:00:00", "instanceha")]
        [InlineData("watcher_disabled", "watcher")]
        [InlineData("watcher_maintaining", "watcher")]
        public void Recognises_reasons_that_Nova_and_HA_tools_own(string reason, string managedBy)
        {
            var info = DisabledReasonFormat.Parse(reason);
            Assert.Equal(managedBy, info.ManagedBy);
            Assert.Null(info.DisabledBy);
            Assert.Contains(managedBy, DisabledReasonFormat.DescribeHolder(Disabled(reason)));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("hardware failure: PSU")]
        [InlineData("auto: lowercase is not Nova's prefix")]
        [InlineData("[two words] text")]
        [InlineData("Masakari detected host failed. (edited)")]
        public void Leaves_other_reasons_unowned(string? reason)
        {
            var info = DisabledReasonFormat.Parse(reason);
            Assert.Null(info.DisabledBy);
            Assert.Null(info.ManagedBy);
            Assert.Null(info.Ticket);
            Assert.StartsWith("an unknown holder", DisabledReasonFormat.DescribeHolder(Disabled(reason)));
        }

        [Fact]
        public void ComputeService_exposes_the_parsed_reason_as_get_only_properties()
        {
            var service = Disabled("[patching] kernel upgrade (CHG123)");
            Assert.Equal("patching", service.DisabledBy);
            Assert.Equal("CHG123", service.Ticket);
            Assert.Null(service.ManagedBy);
            Assert.Equal("watcher", Disabled("watcher_disabled").ManagedBy);
            foreach (var name in new[] { "DisabledBy", "Ticket", "ManagedBy" })
                Assert.False(typeof(ComputeService).GetProperty(name)!.CanWrite);
        }

        [Fact]
        public void A_down_cell_record_has_no_known_holder()
        {
            var record = new ComputeService(null, "nova-compute", "compute-celldown-02", null, ServiceStatus.Unknown, null, null, null, null);
            Assert.Contains("cell is unreachable", DisabledReasonFormat.DescribeHolder(record));
        }

        [Fact]
        public void Ownership_compares_owners_case_insensitively_and_only_in_this_form()
        {
            Assert.True(DisabledReasonFormat.IsOwnedBy("[Patching] x", "patching"));
            Assert.False(DisabledReasonFormat.IsOwnedBy("[patching-2] x", "patching"));
            Assert.False(DisabledReasonFormat.IsOwnedBy("patching", "patching"));
            Assert.False(DisabledReasonFormat.IsOwnedBy(null, "patching"));
        }
    }
}
