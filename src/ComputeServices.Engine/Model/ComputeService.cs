using System;
using System.Globalization;

namespace ComputeServices
{
    /// <summary>One Nova compute service (a row of <c>GET /os-services</c>), as either backend reports it.</summary>
    public sealed class ComputeService
    {
        public ComputeService(
            string? id, string binary, string host, string? zone, string status, string? state,
            bool? forcedDown, string? disabledReason, DateTime? updatedAt, string? source = null)
        {
            Id = id;
            Binary = binary ?? throw new ArgumentNullException(nameof(binary));
            Host = host ?? throw new ArgumentNullException(nameof(host));
            Zone = zone;
            Status = status ?? throw new ArgumentNullException(nameof(status));
            State = state;
            ForcedDown = forcedDown;
            DisabledReason = disabledReason;
            UpdatedAt = updatedAt.HasValue ? Rules.ServiceRules.AsUtc(updatedAt.Value) : (DateTime?)null;
            Source = source;
        }

        /// <summary>The service id: a UUID from microversion 2.53 (and in the local inventory), an integer below it; empty for a down-cell record.</summary>
        public string? Id { get; }
        public string Binary { get; }
        public string Host { get; }
        public string? Zone { get; }
        /// <summary><c>enabled</c>, <c>disabled</c>, or <c>UNKNOWN</c> for a compute in an unreachable cell (2.69+).</summary>
        public string Status { get; }
        /// <summary><c>up</c> or <c>down</c>; empty for a down-cell record.</summary>
        public string? State { get; }
        /// <summary>Empty below microversion 2.11, where Nova does not report it.</summary>
        public bool? ForcedDown { get; }
        public string? DisabledReason { get; }
        /// <summary>Last heartbeat or update, in UTC.</summary>
        public DateTime? UpdatedAt { get; }
        /// <summary>Where the record came from: the inventory file or the compute endpoint.</summary>
        public string? Source { get; }

        /// <summary>The owner named by a reason in this module's form (<c>[owner] text (ticket)</c>), from DisabledReason.</summary>
        public string? DisabledBy => ReasonInfo.DisabledBy;
        /// <summary>The ticket of a reason in this module's form, from DisabledReason.</summary>
        public string? Ticket => ReasonInfo.Ticket;
        /// <summary>Nova or the HA / optimisation tool that wrote DisabledReason (nova-compute, nova, instanceha, watcher, masakari).</summary>
        public string? ManagedBy => ReasonInfo.ManagedBy;

        private DisabledReasonInfo? _reasonInfo;
        private DisabledReasonInfo ReasonInfo => _reasonInfo ??= DisabledReasonFormat.Parse(DisabledReason);

        public bool IsDownCell => string.Equals(Status, ServiceStatus.Unknown, StringComparison.Ordinal);

        public override string ToString()
            => string.IsNullOrEmpty(Id)
                ? string.Format(CultureInfo.InvariantCulture, "{0}@{1}", Binary, Host)
                : string.Format(CultureInfo.InvariantCulture, "{0}@{1} ({2})", Binary, Host, Id);

        internal ComputeService WithSource(string? source)
            => new ComputeService(Id, Binary, Host, Zone, Status, State, ForcedDown, DisabledReason, UpdatedAt, source);
    }

    public static class ServiceStatus
    {
        public const string Enabled = "enabled";
        public const string Disabled = "disabled";
        public const string Unknown = "UNKNOWN";
    }

    public static class ServiceState
    {
        public const string Up = "up";
        public const string Down = "down";
    }

    public static class ServiceBinaries
    {
        public const string Compute = "nova-compute";
    }
}
