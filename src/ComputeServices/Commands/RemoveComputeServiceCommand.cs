using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Deletes services. Nova refuses (and so does this cmdlet) while a compute still hosts instances or takes
    /// part in a migration in progress; -Force only skips the confirmation prompt, never that refusal.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "ComputeService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class RemoveComputeServiceCommand : ServiceMutationCmdletBase
    {
        /// <summary>Do not ask for confirmation. -WhatIf and an explicit -Confirm still apply.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Delete even when more than half of the cloud's computes already report down.</summary>
        [Parameter]
        public SwitchParameter SkipFleetCheck { get; set; }

        protected override bool ChecksFleet => !SkipFleetCheck;

        protected override string Verb => "delete";

        protected override bool ResolvesForDelete => true;

        protected override string Action => "Delete compute service";

        protected override bool Confirm(ComputeService service)
        {
            var whatIf = this.IsWhatIf();
            if (whatIf) ShowBlockers(service);
            if (Force && !MyInvocation.BoundParameters.ContainsKey("Confirm") && !whatIf) return true;
            return base.Confirm(service);
        }

        protected override void BeforeApply(ComputeService service)
        {
            foreach (var warning in Rules.ServiceRules.RemovalWarnings(service)) WriteWarning(warning);
            // Nova's 204 names nothing: record what is deleted for the audit trail.
            WriteVerbose($"Deleting {service} (host {service.Host}, binary {service.Binary}).");
        }

        protected override async Task<ComputeService?> ApplyAsync(IComputeServiceBackend backend, ComputeService service, CancellationToken cancellationToken)
        {
            await backend.DeleteAsync(service, cancellationToken).ConfigureAwait(false);
            return service;
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
