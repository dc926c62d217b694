using System;

namespace ComputeServices.Rules
{
    /// <summary>Whose disable a change may touch: Disable -Owner (unless -TakeOver) and Enable -IfOwner.</summary>
    public sealed class OwnershipCheck
    {
        private OwnershipCheck(string owner, bool enabling)
        {
            Owner = owner;
            Enabling = enabling;
        }

        public string Owner { get; }
        /// <summary>True for Enable -IfOwner (enable only what the owner holds); false for Disable -Owner.</summary>
        public bool Enabling { get; }

        /// <summary>Disable -Owner without -TakeOver: never overwrite a disable that someone else holds.</summary>
        public static OwnershipCheck DisableAs(string owner) => new OwnershipCheck(Require(owner), enabling: false);

        /// <summary>Enable -IfOwner (and Resume -Owner): enable only a disable this owner holds.</summary>
        public static OwnershipCheck EnableIfOwner(string owner) => new OwnershipCheck(Require(owner), enabling: true);

        private static string Require(string owner)
            => string.IsNullOrWhiteSpace(owner) ? throw new ArgumentException("An owner must not be empty.", nameof(owner)) : owner;

        public override string ToString() => Enabling ? $"enable if disabled by '{Owner}'" : $"disable as '{Owner}'";
    }

    /// <summary>What an ownership check decided on the service as it is now.</summary>
    public sealed class OwnershipDecision
    {
        private OwnershipDecision(bool proceeds, string? message, bool isWarning)
        {
            Proceeds = proceeds;
            Message = message;
            IsWarning = isWarning;
        }

        public bool Proceeds { get; }
        /// <summary>Why it was skipped (null when it proceeds).</summary>
        public string? Message { get; }
        /// <summary>A skip the operator must see (someone else's disable), not merely a no-op (already enabled).</summary>
        public bool IsWarning { get; }

        internal static readonly OwnershipDecision Proceed = new OwnershipDecision(true, null, false);
        internal static OwnershipDecision Skip(string message, bool warning) => new OwnershipDecision(false, message, warning);
    }

    /// <summary>
    /// The ownership decision, written once. Backends make it on the state they apply the change to: the inventory on the
    /// document read under its write lock, Nova on the record read just before the request.
    /// </summary>
    public static class Ownership
    {
        public static OwnershipDecision Decide(ComputeService current, OwnershipCheck? check)
        {
            if (current == null) throw new ArgumentNullException(nameof(current));
            if (check == null) return OwnershipDecision.Proceed;
            var disabled = string.Equals(current.Status, ServiceStatus.Disabled, StringComparison.Ordinal);
            if (check.Enabling)
            {
                if (!disabled) return OwnershipDecision.Skip($"Skipped {current}: it is already enabled.", warning: false);
                if (!DisabledReasonFormat.IsOwnedBy(current.DisabledReason, check.Owner))
                    return OwnershipDecision.Skip(
                        $"Skipped {current}: it was disabled by {DisabledReasonFormat.DescribeHolder(current)}, not by '{check.Owner}'; it stays disabled.", warning: true);
                return OwnershipDecision.Proceed;
            }
            if (disabled && !DisabledReasonFormat.IsOwnedBy(current.DisabledReason, check.Owner))
                return OwnershipDecision.Skip(
                    $"Skipped {current}: it is disabled by {DisabledReasonFormat.DescribeHolder(current)}, not by '{check.Owner}'. Use -TakeOver to take the disable over.", warning: true);
            return OwnershipDecision.Proceed;
        }

        /// <summary>Throws <see cref="ServiceSkippedException"/> when the check says the change must not be applied to this service.</summary>
        public static void Enforce(ComputeService current, OwnershipCheck? check)
        {
            var decision = Decide(current, check);
            if (!decision.Proceeds) throw new ServiceSkippedException(current, decision.Message!, decision.IsWarning);
        }
    }
}
