using System.Management.Automation;

namespace ComputeServices.Commands
{
    /// <summary>Lets the scheduler place instances on the services again, and clears their disabled reason.</summary>
    [Cmdlet(VerbsLifecycle.Enable, "ComputeService", SupportsShouldProcess = true, DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class EnableComputeServiceCommand : ServiceMutationCmdletBase
    {
        protected override string Verb => "enable";

        protected override string Action => "Enable compute service";

        protected override ServiceChange? Change => ServiceChange.Enable();
    }
}
