using System;
using System.Collections.Generic;
using System.Linq;

namespace ComputeServices.Rules
{
    /// <summary>How many of the cloud's nova-compute services report down, counted as the fleet guard counts them.</summary>
    public sealed class FleetHealth
    {
        public FleetHealth(int down, int total)
        {
            Down = down;
            Total = total;
        }

        /// <summary>Computes that report down, forced-down ones included.</summary>
        public int Down { get; }
        /// <summary>Every nova-compute service except down-cell (UNKNOWN) records, which count in neither part.</summary>
        public int Total { get; }
        /// <summary>More than half report down: a control-plane fault looks like this too.</summary>
        public bool IsMostlyDown => Total > 0 && Down * 2L > Total;

        public override string ToString() => $"{Down} of {Total} nova-compute services report down";
    }

    /// <summary>Guards against acting on too much at once: -MaxCount and the fleet check.</summary>
    public static class BlastRadius
    {
        public static FleetHealth Assess(IEnumerable<ComputeService> services)
        {
            var computes = services
                .Where(s => string.Equals(s.Binary, ServiceBinaries.Compute, StringComparison.Ordinal) && !s.IsDownCell)
                .ToList();
            var down = computes.Count(s => s.ForcedDown == true || string.Equals(s.State, ServiceState.Down, StringComparison.Ordinal));
            return new FleetHealth(down, computes.Count);
        }

        /// <summary>Throws FleetMostlyDown when more than half of the cloud's computes already report down.</summary>
        public static void EnsureFleetNotMostlyDown(FleetHealth health, string action, string source)
        {
            if (!health.IsMostlyDown) return;
            throw new ComputeServiceException(ErrorIds.FleetMostlyDown, FailureKind.InvalidOperation,
                $"Refusing to {action}: {health} already (forced down counts as down) in {source}. " +
                "A control-plane fault (message queue, database, a stuck conductor) looks exactly like a dead fleet.")
            {
                Target = source,
                RecommendedAction = "Check the control plane first (are the computes really dead?). If they are, run the command again with -SkipFleetCheck.",
            };
        }

        /// <summary>The (n+1)th service of a run with -MaxCount n.</summary>
        public static ComputeServiceException TooManyTargets(int maxCount, int done, object? next)
            => new ComputeServiceException(ErrorIds.TooManyTargets, FailureKind.InvalidOperation,
                $"-MaxCount {maxCount} reached: {done} compute service(s) were done; stopped before {next} and any after it.")
            {
                Target = next,
                RecommendedAction = "Check the services already changed, then run again for the rest, with a higher -MaxCount if that many changes are intended.",
            };
    }
}
