using System.Collections.Generic;
using System.Linq;

namespace ComputeServices
{
    /// <summary>What the pre-flight concluded about one delete.</summary>
    public enum RemovalVerdict
    {
        /// <summary>Nova would delete it: nothing it checks blocks.</summary>
        Removable,
        /// <summary>Nova would refuse: instances on the host, or in-progress migrations.</summary>
        Blocked,
        /// <summary>No client can tell what Nova would answer (a cell is unreachable, a node is hidden, ...): see Reason.</summary>
        Undetermined,
    }

    /// <summary>What would stop Nova from deleting one service, found before anything is deleted.</summary>
    public sealed class RemovalCheck
    {
        public RemovalCheck(ComputeService service, IReadOnlyList<InstanceSummary> instances, IReadOnlyList<MigrationSummary> migrations,
            IEnumerable<string>? warnings = null, string? undeterminedBecause = null, bool blockersMayNotCount = false)
        {
            Service = service;
            Instances = instances;
            Migrations = migrations;
            var all = new List<string>(Rules.ServiceRules.RemovalWarnings(service));
            if (warnings != null) all.AddRange(warnings);
            Warnings = all;
            // Blockers found are certain (Nova refuses whatever else it finds) unless the caller says they may not be Nova's
            // (e.g. the host name is in two cells): then only their absence or presence is in doubt.
            var blocked = instances.Count > 0 || migrations.Count > 0;
            Verdict = blocked && !(blockersMayNotCount && undeterminedBecause != null) ? RemovalVerdict.Blocked
                : undeterminedBecause != null ? RemovalVerdict.Undetermined : RemovalVerdict.Removable;
            Reason = Verdict switch
            {
                RemovalVerdict.Blocked => string.Join("; ", Blockers()),
                RemovalVerdict.Undetermined => "cannot be checked: " + undeterminedBecause,
                _ => "",
            };
            if (Verdict == RemovalVerdict.Blocked && undeterminedBecause != null) Warnings = all.Concat(new[] { "Also: " + undeterminedBecause }).ToList();
        }

        /// <summary>Removable, Blocked or Undetermined (then Reason says why no client can tell).</summary>
        public RemovalVerdict Verdict { get; }

        /// <summary>The blockers, or why the verdict is Undetermined; empty when Removable.</summary>
        public string Reason { get; }

        public ComputeService Service { get; }
        public IReadOnlyList<InstanceSummary> Instances { get; }
        public IReadOnlyList<MigrationSummary> Migrations { get; }
        /// <summary>What is not a refusal but still worth knowing, e.g. the service is still up.</summary>
        public IReadOnlyList<string> Warnings { get; }
        /// <summary>True only when the verdict is Removable: false when Nova would refuse, and when that cannot be told.</summary>
        public bool CanRemove => Verdict == RemovalVerdict.Removable;
        public string Host => Service.Host;
        public string Binary => Service.Binary;

        /// <summary>One line per blocker, for messages and -WhatIf.</summary>
        public IEnumerable<string> Blockers()
        {
            foreach (var i in Instances) yield return $"instance {i} is on {Service.Host}";
            foreach (var m in Migrations) yield return $"{Service.Host} is the {m.Role} of {m}";
        }

        public override string ToString() => Verdict switch
        {
            RemovalVerdict.Removable => $"{Service}: can be removed",
            RemovalVerdict.Blocked => $"{Service}: blocked ({Instances.Count} instances, {Migrations.Count} in-progress migrations)",
            _ => $"{Service}: {Reason}",
        };
    }

    public sealed class InstanceSummary
    {
        public InstanceSummary(string id, string? name, string? state)
        {
            Id = id;
            Name = name;
            State = state;
        }

        public string Id { get; }
        public string? Name { get; }
        public string? State { get; }
        public override string ToString() => string.IsNullOrEmpty(Name) ? Id : $"{Name} ({Id})";
    }

    public sealed class MigrationSummary
    {
        public MigrationSummary(string id, string status, string? migrationType, string sourceHost, string destinationHost, string role)
        {
            Id = id;
            Status = status;
            MigrationType = migrationType;
            SourceHost = sourceHost;
            DestinationHost = destinationHost;
            Role = role;
        }

        public string Id { get; }
        public string Status { get; }
        public string? MigrationType { get; }
        public string SourceHost { get; }
        public string DestinationHost { get; }
        /// <summary><c>source</c> or <c>destination</c>: the part the service's host plays in the migration.</summary>
        public string Role { get; }
        public override string ToString() => $"{MigrationType ?? "migration"} {Id} ({Status}) {SourceHost} -> {DestinationHost}";
    }
}
