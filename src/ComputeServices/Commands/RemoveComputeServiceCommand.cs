using System.Management.Automation;

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

        protected override string Action => "Delete compute service";

        protected override bool Confirm(ComputeService service)
        {
            if (Force && !MyInvocation.BoundParameters.ContainsKey("Confirm") && !WhatIfRequested()) return true;
            return base.Confirm(service);
        }

        protected override ComputeService? Apply(ComputeService service)
        {
            WriteVerbose($"Deleting {service} (host {service.Host}, binary {service.Binary}).");
            Run(token => Backend.DeleteAsync(service, token));
            return service;
        }

        private bool WhatIfRequested()
            => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
                ? LanguagePrimitives.IsTrue(whatIf)
                : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
    }
}
