using System.Management.Automation;

namespace ComputeServices.Commands
{
    /// <summary>Forgets this runspace's connections, their cached tokens and a failed Connect; later cmdlets fall back to the defaults.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "ComputeService")]
    public sealed class DisconnectComputeServiceCommand : PSCmdlet
    {
        protected override void EndProcessing() => ComputeServiceCmdletBase.Session.Clear();
    }
}
