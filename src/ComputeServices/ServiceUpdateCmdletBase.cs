using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Rules;

namespace ComputeServices.Commands
{
    /// <summary>Enable, Disable and Set-ForcedDown: one validated ServiceChange applied to each service.</summary>
    public abstract class ServiceUpdateCmdletBase : ServiceMutationCmdletBase
    {
        /// <summary>The change this invocation applies to every service.</summary>
        protected abstract ServiceChange Change { get; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            // A change that is wrong for every service is bad usage: stop before touching anything.
            try
            {
                ServiceRules.ValidateChange(Change);
            }
            catch (ComputeServiceException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
            }
        }

        protected override async Task<ComputeService?> ApplyAsync(IComputeServiceBackend backend, ComputeService service, CancellationToken cancellationToken)
            => await backend.UpdateAsync(service, Change, cancellationToken).ConfigureAwait(false);
    }
}
