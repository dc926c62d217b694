using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;

namespace ComputeServices.Maintenance
{
    /// <summary>Whether a backend can ever show what a wait waits for: refused before the first poll, not after the timeout.</summary>
    public static class WaitSupport
    {
        /// <summary>Below microversion 2.11 Nova never returns forced_down, so a wait for it could only time out.</summary>
        public static async Task EnsureObservableAsync(IComputeServiceBackend backend, WaitCondition condition, CancellationToken cancellationToken)
        {
            if (!condition.ForcedDown.HasValue || !(backend is NovaBackend nova)) return;
            await nova.DescribeAsync(cancellationToken).ConfigureAwait(false);
            if (nova.Connection.NegotiatedVersion >= MicroversionNegotiator.ForcedDown) return;
            throw new ComputeServiceException(ErrorIds.ApiVersionNotSupported, FailureKind.NotSupported,
                $"Waiting for -ForcedDown needs compute API microversion {MicroversionNegotiator.ForcedDown} or later: at {nova.Connection.ApiVersion} " +
                "Nova does not return forced_down, so the wait could only time out.")
            {
                Target = nova.Description,
                RecommendedAction = $"Connect without pinning the compute API version (or pin {MicroversionNegotiator.ForcedDown} or later), or wait for -State instead.",
            };
        }
    }
}
