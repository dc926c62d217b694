namespace ComputeServices
{
    /// <summary>
    /// What to change on one service. Mirrors the body of Nova's 2.53 <c>PUT /os-services/{id}</c>:
    /// a status (with an optional reason when disabling) and/or forced_down, applied together.
    /// </summary>
    public sealed class ServiceChange
    {
        public ServiceChange(string? status = null, string? disabledReason = null, bool? forcedDown = null, Rules.OwnershipCheck? ownership = null)
        {
            Status = status;
            DisabledReason = disabledReason;
            ForcedDown = forcedDown;
            Ownership = ownership;
        }

        public string? Status { get; }
        public string? DisabledReason { get; }
        public bool? ForcedDown { get; }

        /// <summary>
        /// The precondition the change carries: the backend decides it (<see cref="Rules.Ownership.Decide"/>) on the state it
        /// applies the change to, never on an earlier listing. Null: no ownership check.
        /// </summary>
        public Rules.OwnershipCheck? Ownership { get; }

        /// <summary>The same change, applied only when the ownership check holds.</summary>
        public ServiceChange When(Rules.OwnershipCheck? ownership) => new ServiceChange(Status, DisabledReason, ForcedDown, ownership);

        public static ServiceChange Enable() => new ServiceChange(ServiceStatus.Enabled);
        public static ServiceChange Disable(string? reason = null) => new ServiceChange(ServiceStatus.Disabled, reason);
        public static ServiceChange SetForcedDown(bool forcedDown) => new ServiceChange(forcedDown: forcedDown);

        public override string ToString()
        {
            var parts = new System.Collections.Generic.List<string>();
            if (Status != null) parts.Add("status=" + Status);
            if (DisabledReason != null) parts.Add("disabled_reason='" + DisabledReason + "'");
            if (ForcedDown.HasValue) parts.Add("forced_down=" + (ForcedDown.Value ? "true" : "false"));
            return string.Join(", ", parts);
        }
    }
}
