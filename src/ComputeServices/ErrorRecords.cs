using System;
using System.Management.Automation;

namespace ComputeServices.Commands
{
    /// <summary>Turns engine failures into PowerShell ErrorRecords with stable ids, categories, targets and details.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(ComputeServiceException ex, object? fallbackTarget = null)
        {
            var record = new ErrorRecord(ex, ex.ErrorId, CategoryOf(ex.Kind), ex.Target ?? fallbackTarget);
            var details = new ErrorDetails(ex.Message);
            if (!string.IsNullOrEmpty(ex.RecommendedAction)) details.RecommendedAction = ex.RecommendedAction;
            record.ErrorDetails = details;
            return record;
        }

        public static ErrorRecord Usage(string errorId, string message, object? target, ErrorCategory category = ErrorCategory.InvalidArgument)
            => new ErrorRecord(new ArgumentException(message), errorId, category, target);

        /// <summary>
        /// Failures about the backend as a whole (it cannot be read, reached or used) stop the command;
        /// failures about one service let the pipeline go on.
        /// </summary>
        public static bool IsTerminating(ComputeServiceException ex)
        {
            switch (ex.ErrorId)
            {
                case ErrorIds.InventoryCorrupt:
                case ErrorIds.InventoryNotFound:
                case ErrorIds.InventoryLocked:
                case ErrorIds.InventoryWriteFailed:
                case ErrorIds.NotConnected:
                case ErrorIds.InvalidInventoryPath:
                case ErrorIds.AuthenticationFailed:
                case ErrorIds.PermissionDenied:
                case ErrorIds.EndpointUnreachable:
                case ErrorIds.CloudNotFound:
                case ErrorIds.CloudConfigInvalid:
                case ErrorIds.ApiVersionNotSupported:
                case ErrorIds.ResponseTooLarge:
                case ErrorIds.InvalidResponse:
                case ErrorIds.InvalidEndpoint:
                    return true;
                default:
                    return false;
            }
        }

        public static ErrorCategory CategoryOf(FailureKind kind)
        {
            switch (kind)
            {
                case FailureKind.NotFound: return ErrorCategory.ObjectNotFound;
                case FailureKind.Busy: return ErrorCategory.ResourceBusy;
                case FailureKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case FailureKind.InvalidOperation: return ErrorCategory.InvalidOperation;
                case FailureKind.InvalidData: return ErrorCategory.InvalidData;
                case FailureKind.Authentication: return ErrorCategory.AuthenticationError;
                case FailureKind.PermissionDenied: return ErrorCategory.PermissionDenied;
                case FailureKind.NotSupported: return ErrorCategory.NotImplemented;
                case FailureKind.ConnectionError: return ErrorCategory.ConnectionError;
                case FailureKind.Timeout: return ErrorCategory.OperationTimeout;
                case FailureKind.ServerError: return ErrorCategory.InvalidResult;
                case FailureKind.WriteFailed: return ErrorCategory.WriteError;
                default: return ErrorCategory.NotSpecified;
            }
        }
    }
}
