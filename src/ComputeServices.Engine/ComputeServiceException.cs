using System;

namespace ComputeServices
{
    /// <summary>The kind of failure, from which the cmdlets pick the PowerShell ErrorCategory.</summary>
    public enum FailureKind
    {
        NotFound,
        Busy,
        InvalidArgument,
        InvalidOperation,
        InvalidData,
        Authentication,
        PermissionDenied,
        NotSupported,
        ConnectionError,
        Timeout,
        ServerError,
        WriteFailed,
    }

    /// <summary>The stable ErrorIds that runbooks rely on. They are public contract: never rename one.</summary>
    public static class ErrorIds
    {
        public const string ServiceNotFound = "ServiceNotFound";
        public const string ServiceHostingInstances = "ServiceHostingInstances";
        public const string ServiceHasInProgressMigrations = "ServiceHasInProgressMigrations";
        public const string InvalidServiceUpdate = "InvalidServiceUpdate";
        public const string ServiceUpdateNotSupported = "ServiceUpdateNotSupported";
        public const string ServiceHasPendingEvacuations = "ServiceHasPendingEvacuations";
        public const string InvalidServiceId = "InvalidServiceId";
        public const string AmbiguousService = "AmbiguousService";
        public const string InventoryCorrupt = "InventoryCorrupt";
        public const string InventoryNotFound = "InventoryNotFound";
        public const string InventoryExists = "InventoryExists";
        public const string InventoryLocked = "InventoryLocked";
        public const string AuthenticationFailed = "AuthenticationFailed";
        public const string PermissionDenied = "PermissionDenied";
        public const string ApiVersionNotSupported = "ApiVersionNotSupported";
        public const string EndpointUnreachable = "EndpointUnreachable";
        public const string CloudConfigInvalid = "CloudConfigInvalid";
        public const string CloudNotFound = "CloudNotFound";
        public const string NovaRequestFailed = "NovaRequestFailed";
        public const string ConflictingBackendParameters = "ConflictingBackendParameters";
        public const string InventoryWriteFailed = "InventoryWriteFailed";
        public const string NotConnected = "NotConnected";
        public const string TargetMismatch = "TargetMismatch";
        public const string InvalidInventoryPath = "InvalidInventoryPath";
        public const string ServiceWaitTimeout = "ServiceWaitTimeout";
        public const string TooManyTargets = "TooManyTargets";
        public const string FleetMostlyDown = "FleetMostlyDown";
        public const string CellUnreachable = "CellUnreachable";
        /// <summary>A request that is never repeated (DELETE) went out and its answer was lost; whether it took effect is not known.</summary>
        public const string OutcomeUnknown = "OutcomeUnknown";
        /// <summary>A response body passed the connection's MaximumResponseSizeMB.</summary>
        public const string ResponseTooLarge = "ResponseTooLarge";
        /// <summary>A successful answer without the member Nova always sends (a listing without its array): never read as empty.</summary>
        public const string InvalidResponse = "InvalidResponse";
        /// <summary>A compute endpoint (-Endpoint, the catalog, clouds.yaml) that is not an absolute http(s) URL without query or fragment.</summary>
        public const string InvalidEndpoint = "InvalidEndpoint";
    }

    /// <summary>
    /// Every failure the engine reports. It carries the ErrorId and kind the cmdlets turn into an ErrorRecord,
    /// and, for a remote failure, Nova's own message, the HTTP status and the request id.
    /// </summary>
    public class ComputeServiceException : Exception
    {
        public ComputeServiceException(string errorId, FailureKind kind, string message, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
        }

        public string ErrorId { get; }
        public FailureKind Kind { get; }
        /// <summary>What the operator can do about it.</summary>
        public string? RecommendedAction { get; set; }
        /// <summary>The HTTP status of a remote failure.</summary>
        public int? StatusCode { get; set; }
        /// <summary>Nova's <c>x-openstack-request-id</c> (or <c>x-compute-request-id</c>) of a remote failure.</summary>
        public string? RequestId { get; set; }
        /// <summary>The server's own message, without anything added by us.</summary>
        public string? ServerMessage { get; set; }
        /// <summary>What the failure is about: a service, a ServiceRef, a path.</summary>
        public object? Target { get; set; }

        internal ComputeServiceException WithTarget(object? target)
        {
            Target ??= target;
            return this;
        }
    }
}
