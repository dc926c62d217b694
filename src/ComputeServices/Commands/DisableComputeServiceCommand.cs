using System.Management.Automation;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Stops the scheduler from placing instances on the services, optionally recording why. With -Owner the reason is
    /// written as "[owner] reason (ticket)", and a disable that someone else holds is never overwritten unless -TakeOver.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Disable, "ComputeService", SupportsShouldProcess = true, DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class DisableComputeServiceCommand : ServiceMutationCmdletBase
    {
        private readonly CurrentReasons _current = new CurrentReasons();

        /// <summary>Why the service is disabled (1 to 255 characters). Without it, any earlier reason is cleared, as Nova does.</summary>
        [Parameter]
        [Alias("DisabledReason")]
        public string? Reason { get; set; }

        /// <summary>Who holds the disable (a team, a runbook, a tool): written into the reason as [owner].</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Owner { get; set; }

        /// <summary>A change or incident ticket, written into the reason as (ticket). Needs -Owner.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Ticket { get; set; }

        /// <summary>With -Owner: also overwrite disables that another owner, Nova or an HA tool holds.</summary>
        [Parameter]
        public SwitchParameter TakeOver { get; set; }

        protected override string Verb => "disable";

        private string? EffectiveReason => Owner == null ? Reason : DisabledReasonFormat.Format(Owner, Reason, Ticket);

        protected override string Action => EffectiveReason == null ? "Disable compute service" : $"Disable compute service (reason: '{EffectiveReason}')";

        protected override ServiceChange? Change => ServiceChange.Disable(EffectiveReason);

        protected override void BeginProcessing()
        {
            if (Owner == null && (Ticket != null || TakeOver))
                ThrowTerminatingError(ErrorRecords.Usage(ErrorIds.InvalidServiceUpdate,
                    "-Ticket and -TakeOver need -Owner: they are about who holds the disable.", Ticket != null ? "Ticket" : "TakeOver"));
            base.BeginProcessing();
        }

        protected override void ProcessRecord()
        {
            _current.StartBatch();
            base.ProcessRecord();
        }

        protected override bool Confirm(ComputeService service)
        {
            if (Owner != null && !TakeOver)
            {
                var current = _current.Current(service, () => Run(token => BackendOf(service).ListAsync(new ServiceQuery(binary: ServiceBinaries.Compute), token)));
                if (current == null)
                {
                    WriteWarning($"Skipped {service}: {Rules.RecordMatching.AmbiguousText(service)}. Connect at microversion 2.53 or later to act on it by its UUID.");
                    return false;
                }
                if (current.Status == ServiceStatus.Disabled && !DisabledReasonFormat.IsOwnedBy(current.DisabledReason, Owner))
                {
                    WriteWarning($"Skipped {current}: it is disabled by {DisabledReasonFormat.DescribeHolder(current)}, not by '{Owner}'. Use -TakeOver to take the disable over.");
                    return false;
                }
            }
            return base.Confirm(service);
        }
    }
}
