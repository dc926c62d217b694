using System.Management.Automation;
using ComputeServices.Batch;
using ComputeServices.Session;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Deletes services. Nova refuses (and so does this cmdlet) while a compute still hosts instances or takes
    /// part in a migration in progress; -Force only skips the confirmation prompt, never that refusal.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "ComputeService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class RemoveComputeServiceCommand : ServiceCmdletBase
    {
        /// <summary>Do not ask for confirmation. -WhatIf and an explicit -Confirm still apply.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Delete even when more than half of the cloud's computes already report down.</summary>
        [Parameter]
        public SwitchParameter SkipFleetCheck { get; set; }

        /// <summary>Write the deleted service to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>How many services are worked on at once (remote requests run concurrently; output keeps the input order).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 1;

        /// <summary>Stop (TooManyTargets) instead of deleting more than this many services in one run.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? MaxCount { get; set; }

        protected override string Action => "Delete compute service";
        protected override string Verb => "delete";
        protected override bool ResolvesForDelete => true;
        protected override bool ChangesServices => true;
        protected override bool WritesResults => PassThru;
        protected override BatchOptions BatchOptions => new BatchOptions
        {
            ThrottleLimit = ThrottleLimit,
            MaxCount = MaxCount,
            FleetCheckAction = SkipFleetCheck ? null : "delete compute services",
        };

        private protected override void Handle(ServiceTarget target)
            => Submit(target, async (backend, service, token) =>
            {
                await backend.DeleteAsync(service, token).ConfigureAwait(false);
                return service;
            }, service => WriteVerbose($"Deleting {service} (host {service.Host}, binary {service.Binary})."));   // Nova's 204 names nothing: this is the audit trail

        protected override bool Confirm(ComputeService service)
        {
            var whatIf = this.IsWhatIf();
            if (whatIf) ShowBlockers(service);
            if (Force && !MyInvocation.BoundParameters.ContainsKey("Confirm") && !whatIf) return true;
            try
            {
                return base.Confirm(service);
            }
            catch (PSInvalidOperationException) when (!whatIf)
            {
                // pwsh -NonInteractive cannot prompt: say what to add instead of PowerShell's generic NonInteractive message.
                ThrowTerminatingError(ErrorRecords.Usage("ConfirmationRequired",
                    $"Remove-ComputeService asks before deleting {service} (ConfirmImpact High), and this session cannot prompt (-NonInteractive). " +
                    "Add -Force (or -Confirm:$false) to delete without asking, or -WhatIf to see what would be deleted.", service, ErrorCategory.InvalidOperation));
                throw;
            }
        }

        // Only a delete that went through against a live cloud can come back (the process registers again): not under
        // -WhatIf, not when Nova refused (409), not on an inventory or a snapshot rehearsal.
        protected override void Done(ComputeService service)
        {
            if (ServiceSource.Parse(service.Source, CurrentDirectory)?.IsCloud != true) return;
            var warning = Rules.ServiceRules.DeletedWhileUpWarning(service);
            if (warning != null) WriteWarning(warning);
        }

        // -WhatIf shows what Test-ComputeServiceRemoval would: why Nova would refuse, and what to mind.
        private void ShowBlockers(ComputeService service)
        {
            RemovalCheck check;
            try
            {
                check = Run(token => BackendOf(service).TestRemovalAsync(service, token));
            }
            catch (ComputeServiceException ex)
            {
                WriteWarning(ex.ErrorId == ErrorIds.CellUnreachable
                    ? $"Whether Nova would delete {service} cannot be checked: cell unreachable. {ex.Message}"
                    : $"Could not check whether {service} can be removed: {ex.Message}");
                return;
            }
            if (check.Verdict == RemovalVerdict.Undetermined) WriteWarning($"Whether Nova would delete {service} {check.Reason}.");
            foreach (var blocker in check.Blockers()) WriteWarning($"Nova would refuse to delete {service}: {blocker}.");
            foreach (var warning in check.Warnings) WriteWarning(warning);
        }
    }
}
