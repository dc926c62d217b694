using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ComputeServices.Maintenance
{
    /// <summary>What Wait-ComputeService waits for: every condition given must hold.</summary>
    public sealed class WaitCondition
    {
        public WaitCondition(string? state = null, bool registered = false, bool? forcedDown = null, string? status = null)
        {
            if (state != null && state != ServiceState.Up && state != ServiceState.Down)
                throw new ArgumentException($"State must be '{ServiceState.Up}' or '{ServiceState.Down}'.", nameof(state));
            State = state;
            Registered = registered || state != null || forcedDown.HasValue || status != null;
            ForcedDown = forcedDown;
            Status = status;
        }

        public string? State { get; }
        public bool Registered { get; }
        public bool? ForcedDown { get; }
        public string? Status { get; }
        public bool IsEmpty => State == null && !ForcedDown.HasValue && Status == null && !Registered;

        /// <summary>True when the service (null: not listed at all) meets every condition.</summary>
        public bool IsMetBy(ComputeService? service)
        {
            if (service == null) return !Registered;
            if (State != null && !string.Equals(service.State, State, StringComparison.Ordinal)) return false;
            if (ForcedDown.HasValue && service.ForcedDown != ForcedDown.Value) return false;
            if (Status != null && !string.Equals(service.Status, Status, StringComparison.Ordinal)) return false;
            return true;
        }

        public override string ToString()
        {
            var parts = new List<string>();
            if (State != null) parts.Add(State);
            if (ForcedDown.HasValue) parts.Add("forced_down=" + (ForcedDown.Value ? "true" : "false"));
            if (Status != null) parts.Add(Status);
            if (parts.Count == 0) parts.Add(Registered ? "registered" : "anything");
            return string.Join(", ", parts);
        }

        /// <summary>A service's state in one line, for timeouts and progress.</summary>
        public static string Describe(ComputeService? service)
        {
            if (service == null) return "not registered (not listed)";
            if (service.IsDownCell) return "in an unreachable cell (status UNKNOWN)";
            var text = string.Format(CultureInfo.InvariantCulture, "state {0}, status {1}", service.State ?? "unknown", service.Status);
            if (service.ForcedDown.HasValue) text += ", forced_down " + (service.ForcedDown.Value ? "true" : "false");
            if (service.UpdatedAt.HasValue) text += ", updated " + service.UpdatedAt.Value.ToString("u", CultureInfo.InvariantCulture);
            return text;
        }
    }

    /// <summary>One service waited for: a service (matched by id, or by host and binary without one) or a reference.</summary>
    public sealed class WaitTarget
    {
        public WaitTarget(ComputeService? service, ServiceRef? reference)
        {
            if (service == null && reference == null) throw new ArgumentNullException(nameof(reference));
            Service = service;
            Reference = reference ?? Rules.ServiceIdentity.RefOf(service!);
            LastSeen = service;
        }

        public ComputeService? Service { get; }
        public ServiceRef Reference { get; }
        /// <summary>As the last poll listed it (null: not listed).</summary>
        public ComputeService? LastSeen { get; private set; }
        public bool Reached { get; private set; }

        /// <summary>Finds this target in one listing; true when it meets the condition now (for the first time).</summary>
        public bool Observe(IReadOnlyList<ComputeService> listing, WaitCondition condition)
        {
            LastSeen = Find(listing);
            if (Reached || !condition.IsMetBy(LastSeen)) return false;
            Reached = true;
            return true;
        }

        private ComputeService? Find(IReadOnlyList<ComputeService> listing) => Rules.ServiceIdentity.Find(listing, Reference);

        public override string ToString() => Service?.ToString() ?? LastSeen?.ToString() ?? Reference.ToString();

        /// <summary>The per-item ServiceWaitTimeout, with the last state seen.</summary>
        public ComputeServiceException Timeout(WaitCondition condition, TimeSpan waited, string? step = null)
            => WaitTimeout(this, $"to be {condition}", Describe(), waited, step);

        public string Describe() => WaitCondition.Describe(LastSeen);

        public static ComputeServiceException WaitTimeout(object target, string what, string lastSeen, TimeSpan waited, string? step = null)
            => new ComputeServiceException(ErrorIds.ServiceWaitTimeout, FailureKind.Timeout,
                string.Format(CultureInfo.InvariantCulture, "Timed out after {0:0} s{1} waiting for {2} {3}; last seen: {4}.",
                    waited.TotalSeconds, step == null ? "" : $" at step '{step}'", target, what, lastSeen))
            {
                Target = target,
                RecommendedAction = "Check the host (is nova-compute running and reporting?), then wait again, with a longer -TimeoutSec if needed.",
            };
    }
}
