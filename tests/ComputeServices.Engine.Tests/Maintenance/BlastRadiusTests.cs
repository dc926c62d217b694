using System;
using System.Collections.Generic;
using System.Linq;
using ComputeServices.Rules;
using Xunit;

namespace ComputeServices.Tests.Maintenance
{
    public class BlastRadiusTests
    {
        private static ComputeService Compute(string host, string state, bool forcedDown = false, string binary = "nova-compute")
            => new ComputeService(Guid.NewGuid().ToString(), binary, host, "nova", ServiceStatus.Enabled, state, forcedDown, null, null);

        private static ComputeService DownCell(string host)
            => new ComputeService(null, "nova-compute", host, null, ServiceStatus.Unknown, null, null, null, null);

        [Fact]
        public void Half_down_is_not_mostly_down_one_more_is()
        {
            var half = new[] { Compute("a", "down"), Compute("b", "down"), Compute("c", "up"), Compute("d", "up") };
            Assert.False(BlastRadius.Assess(half).IsMostlyDown);
            var more = half.Take(3).Concat(new[] { Compute("d", "down") }).ToList();
            var health = BlastRadius.Assess(more);
            Assert.Equal(3, health.Down);
            Assert.Equal(4, health.Total);
            Assert.True(health.IsMostlyDown);
        }

        [Fact]
        public void Forced_down_counts_as_down_even_with_a_recent_heartbeat()
        {
            var fleet = new[] { Compute("a", "up", forcedDown: true), Compute("b", "up", forcedDown: true), Compute("c", "up") };
            Assert.True(BlastRadius.Assess(fleet).IsMostlyDown);
        }

        [Fact]
        public void Down_cell_records_and_other_binaries_count_in_neither_part()
        {
            var fleet = new List<ComputeService>
            {
                Compute("a", "down"), Compute("b", "up"), Compute("c", "up"),
                DownCell("x"), DownCell("y"), DownCell("z"),
                Compute("ctl", "down", binary: "nova-scheduler"), Compute("ctl", "down", binary: "nova-conductor"),
            };
            var health = BlastRadius.Assess(fleet);
            Assert.Equal(1, health.Down);
            Assert.Equal(3, health.Total);
            Assert.False(health.IsMostlyDown);
        }

        [Fact]
        public void An_empty_fleet_is_not_mostly_down()
            => Assert.False(BlastRadius.Assess(Array.Empty<ComputeService>()).IsMostlyDown);

        [Fact]
        public void The_guard_throws_FleetMostlyDown_with_the_counts()
        {
            var health = new FleetHealth(3, 5);
            var ex = Assert.Throws<ComputeServiceException>(() => BlastRadius.EnsureFleetNotMostlyDown(health, "delete compute services", "lab.json"));
            Assert.Equal(ErrorIds.FleetMostlyDown, ex.ErrorId);
            Assert.Contains("3 of 5", ex.Message);
            Assert.Contains("-SkipFleetCheck", ex.RecommendedAction);
            BlastRadius.EnsureFleetNotMostlyDown(new FleetHealth(2, 5), "x", "y");
        }

        [Fact]
        public void TooManyTargets_says_how_many_were_done()
        {
            var ex = BlastRadius.TooManyTargets(2, 2, "nova-compute@c");
            Assert.Equal(ErrorIds.TooManyTargets, ex.ErrorId);
            Assert.Contains("-MaxCount 2", ex.Message);
            Assert.Contains("2 compute service(s) were done", ex.Message);
        }
    }
}
