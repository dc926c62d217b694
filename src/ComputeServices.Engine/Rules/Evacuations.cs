using System;

namespace ComputeServices.Rules
{
    /// <summary>
    /// The evacuation check of a force-up (Nova bug 1922053): a host stays forced down while an evacuation from it is in
    /// status 'done'; nova-compute completes those when it starts again. One definition for the inventory and Nova.
    /// </summary>
    public static class Evacuations
    {
        /// <summary>
        /// Whether a migration blocks clearing forced_down on <paramref name="host"/>. A null type counts as an evacuation:
        /// below 2.23 Nova's answer has no migration_type, and the server-side filter asked for evacuations only.
        /// </summary>
        public static bool BlocksForceUp(string? status, string? migrationType, string? sourceCompute, string host)
            => status == "done"
               && (migrationType == null || migrationType == "evacuation")
               && string.Equals(sourceCompute, host, StringComparison.Ordinal);

        /// <summary>Nova's refusal when a force-up meets such an evacuation.</summary>
        public static void EnsureForceUpAllowed(ComputeService current, ServiceChange change, bool hasBlockingEvacuations)
        {
            if (change.ForcedDown == false && hasBlockingEvacuations) throw ServiceRules.PendingEvacuations(current);
        }
    }
}
