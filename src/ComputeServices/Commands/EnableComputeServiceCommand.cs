using System.Management.Automation;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Lets the scheduler place instances on the services again, and clears their disabled reason. With -IfOwner only
    /// the services whose current reason that owner holds are enabled.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Enable, "ComputeService", SupportsShouldProcess = true, DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class EnableComputeServiceCommand : ServiceMutationCmdletBase
    {
        private readonly CurrentReasons _current = new CurrentReasons();

        /// <summary>Enable only the services that this owner disabled (their current reason starts with [owner]).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? IfOwner { get; set; }

        protected override string Verb => "enable";

        protected override string Action => "Enable compute service";

        protected override ServiceChange? Change => ServiceChange.Enable();

        protected override void ProcessRecord()
        {
            _current.StartBatch();
            base.ProcessRecord();
        }

        // Nova has no compare-and-set: the reason is re-read (one listing per batch) just before the prompt and the request.
        protected override bool Confirm(ComputeService service)
        {
            if (IfOwner != null)
            {
                var current = _current.Current(service, () => Run(token => BackendOf(service).ListAsync(new ServiceQuery(binary: ServiceBinaries.Compute), token)));
                if (current == null)
                {
                    WriteWarning($"Skipped {service}: {Rules.RecordMatching.AmbiguousText(service)}. Connect at microversion 2.53 or later to act on it by its UUID.");
                    return false;
                }
                if (current.Status == ServiceStatus.Enabled)
                {
                    WriteVerbose($"Skipped {current}: it is already enabled.");
                    return false;
                }
                if (!DisabledReasonFormat.IsOwnedBy(current.DisabledReason, IfOwner))
                {
                    WriteWarning($"Skipped {current}: it was disabled by {DisabledReasonFormat.DescribeHolder(current)}, not by '{IfOwner}'; it stays disabled.");
                    return false;
                }
            }
            return base.Confirm(service);
        }
    }
}
