using System;
using System.Collections.Generic;
using ComputeServices.Inventory;

namespace ComputeServices.Rules
{
    /// <summary>
    /// How Nova's DELETE of a compute service matches a migration to the service (services.py
    /// <c>_assert_no_in_progress_migrations</c>, i.e. <c>migration_get_in_progress_by_host_and_node</c> per compute node of
    /// the host): host and node must both match, as source or as destination, the status must be in progress, and a host
    /// without compute nodes is not checked at all. Both backends use it.
    /// </summary>
    public static class MigrationMatching
    {
        public const string Source = "source";
        public const string Destination = "destination";

        /// <summary>
        /// The part <paramref name="host"/> plays in <paramref name="migration"/> as Nova's delete check sees it, or null when
        /// the migration does not block. <paramref name="nodes"/> are the host's compute nodes; null when they are unknown,
        /// then the host alone decides (never less than Nova would block).
        /// </summary>
        public static string? RoleOf(MigrationRecord migration, string host, ICollection<string>? nodes)
        {
            if (migration == null) throw new ArgumentNullException(nameof(migration));
            if (!ServiceRules.IsInProgress(migration.Status)) return null;
            return RoleIgnoringStatus(migration, host, nodes);
        }

        /// <summary>As <see cref="RoleOf"/>, whatever the migration's status.</summary>
        public static string? RoleIgnoringStatus(MigrationRecord migration, string host, ICollection<string>? nodes)
        {
            bool Matches(string? compute, string? node)
                => string.Equals(compute, host, StringComparison.Ordinal) && (nodes == null || (node != null && nodes.Contains(node)));
            if (Matches(migration.SourceCompute, migration.SourceNode)) return Source;
            if (Matches(migration.DestCompute, migration.DestNode)) return Destination;
            return null;
        }

        /// <summary>The nodes of <paramref name="host"/> an in-progress migration names (source or destination side).</summary>
        public static IEnumerable<string> NodesNamedFor(MigrationRecord migration, string host)
        {
            if (!ServiceRules.IsInProgress(migration.Status)) yield break;
            if (string.Equals(migration.SourceCompute, host, StringComparison.Ordinal) && !string.IsNullOrEmpty(migration.SourceNode))
                yield return migration.SourceNode!;
            if (string.Equals(migration.DestCompute, host, StringComparison.Ordinal) && !string.IsNullOrEmpty(migration.DestNode))
                yield return migration.DestNode!;
        }

        public static MigrationSummary Summarize(MigrationRecord m, string role)
            => new MigrationSummary(m.Uuid, m.Status, m.MigrationType, m.SourceCompute ?? "", m.DestCompute ?? "", role);
    }
}
