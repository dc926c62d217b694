using System.Management.Automation;

namespace ComputeServices.Commands
{
    /// <summary>Stops the scheduler from placing instances on the services, optionally recording why.</summary>
    [Cmdlet(VerbsLifecycle.Disable, "ComputeService", SupportsShouldProcess = true, DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class DisableComputeServiceCommand : ServiceMutationCmdletBase
    {
        /// <summary>Why the service is disabled (1 to 255 characters). Without it, any earlier reason is cleared, as Nova does.</summary>
        [Parameter]
        [Alias("DisabledReason")]
        public string? Reason { get; set; }

        protected override string Verb => "disable";

        protected override string Action => Reason == null ? "Disable compute service" : $"Disable compute service (reason: '{Reason}')";

        protected override ServiceChange? Change => ServiceChange.Disable(Reason);
    }
}
