namespace ComputeServices.Rules
{
    /// <summary>
    /// A change that was deliberately not applied because the service's current state says so (someone else's disable,
    /// already enabled). Not an error: the cmdlet writes it as a warning (or a verbose line) and goes on.
    /// </summary>
    public sealed class ServiceSkippedException : ComputeServiceException
    {
        public const string SkippedErrorId = "ServiceSkipped";

        public ServiceSkippedException(ComputeService service, string message, bool isWarning)
            : base(SkippedErrorId, FailureKind.InvalidOperation, message)
        {
            Target = service;
            Service = service;
            IsWarning = isWarning;
        }

        /// <summary>The service as it was when the decision was made.</summary>
        public ComputeService Service { get; }
        public bool IsWarning { get; }
    }
}
