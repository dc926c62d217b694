using ComputeServices.Rules;
using Xunit;

namespace ComputeServices.Tests.Rules
{
    /// <summary>The owner checks compare the very record the change acts on (issue 17 case 3).</summary>
    public class RecordMatchingTests
    {
        private static ComputeService S(string id, string host, string reason)
            => new ComputeService(id, "nova-compute", host, "nova", "disabled", "up", false, reason, null);

        [Fact]
        public void Below_2_53_a_host_in_two_cells_cannot_be_told_apart_even_when_the_ids_differ()
        {
            // At 2.52 each cell numbers its own services: the other cell's record can have the same id, or another.
            var mine = S("2", "compute-twin", "[alice] kernel");
            foreach (var otherId in new[] { "2", "7" })
            {
                var listing = new[] { S(otherId, "compute-twin", "[bob] disk"), mine, S("3", "other", null!) };
                Assert.Null(RecordMatching.SameRecord(listing, mine, out var ambiguous));
                Assert.True(ambiguous);
            }
        }

        [Fact]
        public void A_uuid_names_one_record_and_a_lone_host_matches_by_host_binary_and_id()
        {
            var a = S("6537da4f-0000-4000-8000-000000000001", "compute-twin", "[alice] kernel");
            var b = S("3ee6ebd6-0000-4000-8000-000000000002", "compute-twin", "[bob] disk");
            Assert.Same(b, RecordMatching.SameRecord(new[] { a, b }, S("3ee6ebd6-0000-4000-8000-000000000002", "compute-twin", null!), out var ambiguous));
            Assert.False(ambiguous);
            // Nova's database compares the uuid as stored: another spelling names neither record.
            Assert.Null(RecordMatching.SameRecord(new[] { a, b }, S("3EE6EBD6-0000-4000-8000-000000000002", "compute-twin", null!), out ambiguous));

            var lone = S("5", "h1", "[bob] x");
            Assert.Same(lone, RecordMatching.SameRecord(new[] { lone }, S("5", "h1", null!), out _));
            Assert.Null(RecordMatching.SameRecord(new[] { lone }, S("9", "h1", null!), out ambiguous));   // re-registered since
            Assert.False(ambiguous);
        }
    }
}
