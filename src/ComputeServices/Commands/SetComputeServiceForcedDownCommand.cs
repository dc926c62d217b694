using System.Management.Automation;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Marks services as forced down (after fencing the host, so instances can be evacuated), or clears the flag.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "ComputeServiceForcedDown", SupportsShouldProcess = true, DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class SetComputeServiceForcedDownCommand : ServiceUpdateCmdletBase
    {
        /// <summary>$true to force the services down, $false to let their heartbeat decide again.</summary>
        [Parameter(Mandatory = true)]
        public bool ForcedDown { get; set; }

        protected override string Action => ForcedDown ? "Set forced_down=true on compute service" : "Set forced_down=false on compute service";

        protected override ServiceChange Change => ServiceChange.SetForcedDown(ForcedDown);
    }
}
