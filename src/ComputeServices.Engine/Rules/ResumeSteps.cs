using System;

namespace ComputeServices.Rules
{
    /// <summary>The steps of Resume-ComputeService, in Nova's order.</summary>
    public enum ResumeStep
    {
        /// <summary>1: 'done' evacuations from the host remain; Nova refuses to clear forced_down until they complete.</summary>
        WaitForEvacuations,
        /// <summary>2: forced_down is still set.</summary>
        ClearForcedDown,
        /// <summary>3: not reporting up yet (its heartbeat decides).</summary>
        WaitUntilUp,
        /// <summary>4: up and disabled by the given owner: enable it (the change carries the owner check).</summary>
        Enable,
        /// <summary>Up, and either enabled or disabled by someone who is not the owner: nothing more to do.</summary>
        Done,
    }

    /// <summary>What to do next to resume a fenced host, decided from what was just read. Engine code, no PowerShell.</summary>
    public static class ResumeSteps
    {
        public static ResumeStep Next(int pendingEvacuations, ComputeService current, string? owner)
        {
            if (current == null) throw new ArgumentNullException(nameof(current));
            if (pendingEvacuations > 0) return ResumeStep.WaitForEvacuations;
            if (current.ForcedDown == true) return ResumeStep.ClearForcedDown;
            if (!string.Equals(current.State, ServiceState.Up, StringComparison.Ordinal)) return ResumeStep.WaitUntilUp;
            if (owner != null && string.Equals(current.Status, ServiceStatus.Disabled, StringComparison.Ordinal)
                && DisabledReasonFormat.IsOwnedBy(current.DisabledReason, owner))
                return ResumeStep.Enable;
            return ResumeStep.Done;
        }

        /// <summary>The warning for a host that is up but stays disabled (null when it is enabled, or was just enabled).</summary>
        public static string? StaysDisabledWarning(ComputeService current, string? owner)
        {
            if (!string.Equals(current.Status, ServiceStatus.Disabled, StringComparison.Ordinal)) return null;
            var holder = DisabledReasonFormat.DescribeHolder(current);
            if (owner == null)
                return $"{current} is up but still disabled, by {holder}: the scheduler places nothing on it. Enable it with Enable-ComputeService -IfOwner <owner>, or resume with -Owner.";
            if (!DisabledReasonFormat.IsOwnedBy(current.DisabledReason, owner))
                return $"{current} is up but stays disabled: it was disabled by {holder}, not by '{owner}'.";
            return null;
        }
    }
}
