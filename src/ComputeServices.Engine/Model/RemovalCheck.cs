using System.Collections.Generic;

namespace ComputeServices
{
    /// <summary>What would stop Nova from deleting one service, found before anything is deleted.</summary>
    public sealed class RemovalCheck
    {
        public RemovalCheck(ComputeService service, IReadOnlyList<InstanceSummary> instances, IReadOnlyList<MigrationSummary> migrations,
            IEnumerable<string>? warnings = null)
        {
            Service = service;
            Instances = instances;
            Migrations = migrations;
            var all = new List<string>(Rules.ServiceRules.RemovalWarnings(service));
            if (warnings != null) all.AddRange(warnings);
            Warnings = all;
        }

        public ComputeService Service { get; }
        public IReadOnlyList<InstanceSummary> Instances { get; }
        public IReadOnlyList<MigrationSummary> Migrations { get; }
        /// <summary>What is not a refusal but still worth knowing, e.g. the service is still up.</summary>
        public IReadOnlyList<string> Warnings { get; }
        /// <summary>False when Nova would refuse the delete (instances on the host, or in-progress migrations).</summary>
        public bool CanRemove => Instances.Count == 0 && Migrations.Count == 0;
        public string Host => Service.Host;
        public string Binary => Service.Binary;

        /// <summary>One line per blocker, for messages and -WhatIf.</summary>
        public IEnumerable<string> Blockers()
        {
            foreach (var i in Instances) yield return $"instance {i} is on {Service.Host}";
            foreach (var m in Migrations) yield return $"{Service.Host} is the {m.Role} of {m}";
        }

        public override string ToString() => CanRemove ? $"{Service}: can be removed" : $"{Service}: blocked ({Instances.Count} instances, {Migrations.Count} in-progress migrations)";
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
