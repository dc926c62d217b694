using System.Management.Automation;
using ComputeServices.Batch;

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
            }, BeforeDelete);

        protected override bool Confirm(ComputeService service)
        {
            var whatIf = this.IsWhatIf();
            if (whatIf) ShowBlockers(service);
            if (Force && !MyInvocation.BoundParameters.ContainsKey("Confirm") && !whatIf) return true;
            return base.Confirm(service);
        }

        private void BeforeDelete(ComputeService service)
        {
            foreach (var warning in Rules.ServiceRules.RemovalWarnings(service)) WriteWarning(warning);
            // Nova's 204 names nothing: record what is deleted for the audit trail.
            WriteVerbose($"Deleting {service} (host {service.Host}, binary {service.Binary}).");
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
                WriteWarning($"Could not check whether {service} can be removed: {ex.Message}");
                return;
            }
            foreach (var blocker in check.Blockers()) WriteWarning($"Nova would refuse to delete {service}: {blocker}.");
            foreach (var warning in check.Warnings) WriteWarning(warning);
        }
    }
}
