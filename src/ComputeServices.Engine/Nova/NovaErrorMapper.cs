using System;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ComputeServices.Rules;

namespace ComputeServices.Nova
{
    /// <summary>Turns Nova's (and Keystone's) fault envelopes into typed ComputeServiceExceptions.</summary>
    internal static class NovaErrorMapper
    {
        private static readonly Regex FieldPattern = new Regex(
            @"Invalid input for (?:field/attribute|query parameters) (?<field>[^\s.]+)", RegexOptions.CultureInvariant);

        public const string AdminOnlyAction =
            "os-services is admin-only under Nova's default policy (os_compute_api:os-services:*: role admin on a project scope). " +
            "Connect with a user or application credential that has the admin role on the project, or ask the cloud operator to change the policy.";

        /// <summary>Reads <c>{"&lt;faultName&gt;": {"code": .., "message": ..}}</c>; returns (fault, message) or nulls.</summary>
        public static (string? Fault, string? Message) ReadFault(string? body)
        {
            if (string.IsNullOrWhiteSpace(body)) return (null, null);
            try
            {
                using var doc = JsonDocument.Parse(body!);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) return (null, null);
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.Object
                        && property.Value.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                        return (property.Name, message.GetString());
                }
                if (doc.RootElement.TryGetProperty("message", out var flat) && flat.ValueKind == JsonValueKind.String)
                    return (null, flat.GetString());
            }
            catch (JsonException)
            {
            }
            return (null, null);
        }

        public static ComputeServiceException Map(int status, string? body, string? requestId, string method, Uri url, ComputeService? service)
        {
            var (_, serverMessage) = ReadFault(body);
            var text = string.IsNullOrWhiteSpace(serverMessage)
                ? $"{method} {url.GetLeftPart(UriPartial.Path)} failed with HTTP {status.ToString(CultureInfo.InvariantCulture)}"
                : serverMessage!.Trim();
            var suffix = requestId == null
                ? $" (HTTP {status.ToString(CultureInfo.InvariantCulture)})"
                : $" (HTTP {status.ToString(CultureInfo.InvariantCulture)}, request {requestId})";
            var message = text + suffix;

            ComputeServiceException ex;
            switch (status)
            {
                case 400:
                    ex = BadRequest(text, message, service);
                    break;
                case 401:
                    ex = new ComputeServiceException(ErrorIds.AuthenticationFailed, FailureKind.Authentication, message)
                    {
                        RecommendedAction = "Check the credentials (or renew the token) and connect again with Connect-ComputeService.",
                    };
                    break;
                case 403:
                    ex = new ComputeServiceException(ErrorIds.PermissionDenied, FailureKind.PermissionDenied, message) { RecommendedAction = AdminOnlyAction };
                    break;
                case 404:
                    ex = new ComputeServiceException(ErrorIds.ServiceNotFound, FailureKind.NotFound, message)
                    {
                        RecommendedAction = "List the services with Get-ComputeService; host names match exactly and the service may already have been deleted.",
                    };
                    break;
                case 406:
                    ex = new ComputeServiceException(ErrorIds.ApiVersionNotSupported, FailureKind.NotSupported, message)
                    {
                        RecommendedAction = "Pin a compute API version inside the range the cloud supports, or leave it out to negotiate.",
                    };
                    break;
                case 409:
                    ex = Conflict(text, message, service);
                    break;
                default:
                    ex = new ComputeServiceException(ErrorIds.NovaRequestFailed, status >= 500 ? FailureKind.ServerError : FailureKind.InvalidOperation, message)
                    {
                        RecommendedAction = status >= 500
                            ? "Nova reported an internal error; retry later, and give the request id to the cloud operator if it persists."
                            : null,
                    };
                    break;
            }
            ex.StatusCode = status;
            ex.RequestId = requestId;
            ex.ServerMessage = serverMessage;
            ex.Target ??= (object?)service ?? url.GetLeftPart(UriPartial.Path);
            return ex;
        }

        private static ComputeServiceException Conflict(string text, string message, ComputeService? service)
        {
            var subject = service ?? new ComputeService(null, ServiceBinaries.Compute, "the host", null, ServiceStatus.Enabled, null, null, null, null);
            ComputeServiceException? typed = null;
            if (text.IndexOf("hosting instances", StringComparison.OrdinalIgnoreCase) >= 0) typed = ServiceRules.HostingInstances(subject);
            else if (text.IndexOf("in-progress migrations", StringComparison.OrdinalIgnoreCase) >= 0) typed = ServiceRules.InProgressMigrations(subject);
            if (typed == null)
                return new ComputeServiceException(ErrorIds.NovaRequestFailed, FailureKind.Busy, message);
            var ex = new ComputeServiceException(typed.ErrorId, typed.Kind, message) { RecommendedAction = typed.RecommendedAction, Target = service };
            return ex;
        }

        private static ComputeServiceException BadRequest(string text, string message, ComputeService? service)
        {
            if (text.IndexOf("service is not supported", StringComparison.OrdinalIgnoreCase) >= 0 && text.StartsWith("Updating a", StringComparison.OrdinalIgnoreCase))
                return new ComputeServiceException(ErrorIds.ServiceUpdateNotSupported, FailureKind.InvalidOperation, message)
                {
                    RecommendedAction = "Only nova-compute services can be enabled, disabled or forced down; stop or reconfigure the process instead.",
                };
            if (text.IndexOf("Unable to force up host", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                var typed = service != null ? ServiceRules.PendingEvacuations(service) : null;
                return new ComputeServiceException(ErrorIds.ServiceHasPendingEvacuations, FailureKind.InvalidOperation, message)
                {
                    RecommendedAction = typed?.RecommendedAction
                        ?? "Restart nova-compute on the host so its evacuation records complete, then retry.",
                };
            }
            if (text.StartsWith("Invalid uuid", StringComparison.OrdinalIgnoreCase)
                || text.IndexOf("id must be an integer", StringComparison.OrdinalIgnoreCase) >= 0
                || text.IndexOf("refers to multiple services", StringComparison.OrdinalIgnoreCase) >= 0)
                return new ComputeServiceException(ErrorIds.InvalidServiceId, FailureKind.InvalidArgument, message)
                {
                    RecommendedAction = "Pass the Id that Get-ComputeService shows (a UUID from microversion 2.53), or identify the service by host and binary.",
                };
            if (text.StartsWith("API Version String", StringComparison.OrdinalIgnoreCase))
                return new ComputeServiceException(ErrorIds.ApiVersionNotSupported, FailureKind.InvalidArgument, message);

            var field = FieldPattern.Match(text);
            var ex = new ComputeServiceException(ErrorIds.InvalidServiceUpdate, FailureKind.InvalidArgument, message);
            if (field.Success)
            {
                ex.Target = field.Groups["field"].Value;
                ex.RecommendedAction = $"Correct the '{field.Groups["field"].Value}' field and retry.";
            }
            return ex;
        }
    }
}
