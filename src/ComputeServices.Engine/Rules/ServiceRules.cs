using System;
using System.Collections.Generic;
using System.Linq;

namespace ComputeServices.Rules
{
    /// <summary>
    /// Nova's os-services rules, written once. The local inventory enforces all of them; against a remote Nova
    /// only the request checks run before sending, and the server's answer stays authoritative.
    /// </summary>
    public static class ServiceRules
    {
        public const int MaxReasonLength = 255;

        /// <summary>Migration statuses that no longer block a delete (Nova's migration_get_in_progress_by_host_and_node).</summary>
        public static readonly IReadOnlyCollection<string> TerminalMigrationStatuses =
            new HashSet<string>(StringComparer.Ordinal) { "confirmed", "reverted", "error", "failed", "completed", "cancelled", "done" };

        /// <summary>Binaries Nova never lists (they do not heartbeat, bug 1543625).</summary>
        public static readonly IReadOnlyCollection<string> HiddenBinaries =
            new HashSet<string>(StringComparer.Ordinal) { "nova-osapi_compute", "nova-metadata" };

        public const string HostingInstancesMessage =
            "Unable to delete compute service that is hosting instances. Migrate or delete the instances first.";
        public const string InProgressMigrationsMessage =
            "Unable to delete compute service that has in-progress migrations. Complete the migrations or delete the instances first.";

        /// <summary>
        /// Nova words its two 404s for an unknown id differently: PUT raises ServiceNotFound ("could not be found"),
        /// DELETE writes its own text ("not found").
        /// </summary>
        public static string NotFoundText(string id, bool forDelete)
            => forDelete ? $"Service {id} not found." : $"Service {id} could not be found.";

        /// <summary>
        /// What to do about a host name that matched nothing. Names are never trimmed (Nova compares them exactly, so a
        /// trimmed name would act on a host that Get-ComputeService with the same name does not find): say so when the
        /// name begins or ends with white space.
        /// </summary>
        public static string HostNotFoundAdvice(string? host)
            => host != null && host.Length > 0 && (char.IsWhiteSpace(host[0]) || char.IsWhiteSpace(host[host.Length - 1]))
                ? $"The host name '{host}' begins or ends with white space: names are not trimmed, because Nova matches them exactly. Remove the white space."
                : "Host names match exactly and are case-sensitive (FQDN or short name, as Nova registered them); list them with Get-ComputeService.";

        /// <summary>What to do about an id that matched nothing: a uuid spelled otherwise than Nova stores it gets its stored form.</summary>
        public static string IdNotFoundAdvice(string id)
            => Guid.TryParse(id, out var uuid) && !string.Equals(uuid.ToString("D"), id, StringComparison.Ordinal)
                ? $"Nova compares a service uuid as it is stored (lower case, with hyphens, as listed): '{id}' names no service there. Use '{uuid:D}'."
                : "List the services with Get-ComputeService; the service may already have been deleted.";

        /// <summary>Every request check that needs no server state, for a client to run before sending anything.</summary>
        public static void ValidateChange(ServiceChange change)
        {
            ValidateSchema(change);
            ValidateReasonWithStatus(change);
            ValidateSomethingChanges(change);
        }

        /// <summary>Nova's update_v253 schema (step 1): the status value and the reason's length.</summary>
        public static void ValidateSchema(ServiceChange change)
        {
            if (change.Status != null && change.Status != ServiceStatus.Enabled && change.Status != ServiceStatus.Disabled)
                throw Invalid("status", $"Invalid status '{change.Status}': it must be '{ServiceStatus.Enabled}' or '{ServiceStatus.Disabled}'.");
            if (change.DisabledReason == null) return;
            var length = CharacterCount(change.DisabledReason);
            if (length < 1 || length > MaxReasonLength)
                throw Invalid("disabled_reason",
                    $"Invalid disabled_reason: it must be 1 to {MaxReasonLength} characters long, not {length}.");
        }

        /// <summary>
        /// Characters as Nova's JSON-schema <c>maxLength</c> counts them (Python's <c>len</c>): Unicode code points, so a
        /// surrogate pair (an emoji) is one character, not two UTF-16 units. A lone surrogate counts as one.
        /// </summary>
        public static int CharacterCount(string text)
        {
            var count = 0;
            for (var i = 0; i < text.Length; i++, count++)
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            return count;
        }

        /// <summary>Nova's step 6, after the lookup and the nova-compute check.</summary>
        public static void ValidateReasonWithStatus(ServiceChange change)
        {
            if (change.DisabledReason != null && change.Status == ServiceStatus.Enabled)
                throw Invalid("disabled_reason", "Specifying 'disabled_reason' with status 'enabled' is invalid.");
        }

        /// <summary>Nova's step 8, the last check.</summary>
        public static void ValidateSomethingChanges(ServiceChange change)
        {
            if (change.Status == null && !change.ForcedDown.HasValue)
                throw Invalid("status", "No updates were requested. Fields 'status' or 'forced_down' should be specified.");
        }

        /// <summary>Only nova-compute services can be updated (Nova bug 1805164).</summary>
        public static void EnsureUpdatable(ComputeService service) => EnsureUpdatable(service.Binary, service);

        /// <summary>
        /// The same check for a service named by host and binary, made before the host is looked up: Nova's legacy
        /// actions (PUT os-services/disable etc.) refuse the binary (400) before they look for the host (404).
        /// </summary>
        public static void EnsureUpdatable(string? binary, object target)
        {
            if (!string.Equals(binary, ServiceBinaries.Compute, StringComparison.Ordinal))
                throw new ComputeServiceException(ErrorIds.ServiceUpdateNotSupported, FailureKind.InvalidOperation,
                    $"Updating a {binary} service is not supported. Only nova-compute services can be updated.")
                {
                    Target = target,
                    RecommendedAction = "Only nova-compute services can be enabled, disabled or forced down; stop or reconfigure the process instead.",
                };
        }

        /// <summary>Nova refuses to force a host back up while 'done' evacuations from it remain (bug 1922053).</summary>
        public static ComputeServiceException PendingEvacuations(ComputeService service)
            => new ComputeServiceException(ErrorIds.ServiceHasPendingEvacuations, FailureKind.InvalidOperation,
                $"Unable to force up host {service.Host} as `done` evacuation migration records remain associated with the host. " +
                "Ensure the compute service has been restarted, allowing these records to move to `completed` before retrying this request.")
            {
                Target = service,
                RecommendedAction = $"Restart nova-compute on {service.Host} so its evacuation records complete, then retry.",
            };

        public static ComputeServiceException HostingInstances(ComputeService service, IEnumerable<InstanceSummary>? instances = null)
        {
            var list = instances?.ToList();
            return new ComputeServiceException(ErrorIds.ServiceHostingInstances, FailureKind.Busy, HostingInstancesMessage)
            {
                Target = service,
                RecommendedAction = list != null && list.Count > 0
                    ? $"Migrate or delete the instances on {service.Host} first: {string.Join(", ", list.Select(i => i.ToString()))}."
                    : $"Migrate or delete the instances on {service.Host} first.",
            };
        }

        public static ComputeServiceException InProgressMigrations(ComputeService service, IEnumerable<MigrationSummary>? migrations = null)
        {
            var list = migrations?.ToList();
            return new ComputeServiceException(ErrorIds.ServiceHasInProgressMigrations, FailureKind.Busy, InProgressMigrationsMessage)
            {
                Target = service,
                RecommendedAction = list != null && list.Count > 0
                    ? $"Complete (confirm or revert) the migrations involving {service.Host} first: {string.Join("; ", list.Select(m => m.ToString()))}."
                    : $"Complete the migrations involving {service.Host}, or delete their instances, first.",
            };
        }

        /// <summary>Nova's api-ref advice: a service whose process still runs re-registers after it is deleted.</summary>
        public static IReadOnlyList<string> RemovalWarnings(ComputeService service)
        {
            if (service.State == ServiceState.Up && service.ForcedDown != true)
                return new[]
                {
                    $"{service} is still up and not forced down: stop its {service.Binary} process before deleting it, or it will register itself again.",
                };
            return Array.Empty<string>();
        }

        /// <summary>After a delete went through: a service that was up and not forced down will register itself again (null otherwise).</summary>
        public static string? DeletedWhileUpWarning(ComputeService service)
            => service.State == ServiceState.Up && service.ForcedDown != true
                ? $"{service} was deleted while still up and not forced down: stop its {service.Binary} process now, or it will register itself again."
                : null;

        public static bool IsInProgress(string? migrationStatus)
            => migrationStatus != null && !TerminalMigrationStatuses.Contains(migrationStatus);

        /// <summary>Nova's servicegroup DB driver: forced down is down; otherwise up while the last heartbeat is recent enough.</summary>
        public static string DeriveState(bool forcedDown, DateTime? lastSeenUp, DateTime? createdAt, DateTime nowUtc, TimeSpan serviceDownTime)
        {
            if (forcedDown) return ServiceState.Down;
            var seen = lastSeenUp ?? createdAt;
            if (seen == null) return ServiceState.Down;
            var elapsed = nowUtc - AsUtc(seen.Value);
            return elapsed.Duration() <= serviceDownTime ? ServiceState.Up : ServiceState.Down;
        }

        /// <summary>Nova's availability_zones: internal for non-compute binaries, else the host's aggregate AZs or the default.</summary>
        public static string DeriveZone(string binary, IEnumerable<string> hostAvailabilityZones, string defaultZone, string internalZone)
        {
            if (!string.Equals(binary, ServiceBinaries.Compute, StringComparison.Ordinal)) return internalZone;
            var zones = hostAvailabilityZones.Where(z => !string.IsNullOrEmpty(z)).Distinct(StringComparer.Ordinal)
                .OrderBy(z => z, StringComparer.Ordinal).ToList();
            return zones.Count == 0 ? defaultZone : string.Join(",", zones);
        }

        public static DateTime AsUtc(DateTime value) => value.Kind switch
        {
            DateTimeKind.Utc => value,
            DateTimeKind.Local => value.ToUniversalTime(),
            _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        };

        private static ComputeServiceException Invalid(string field, string message)
            => new ComputeServiceException(ErrorIds.InvalidServiceUpdate, FailureKind.InvalidArgument, message)
            {
                Target = field,
                RecommendedAction = $"Correct the '{field}' field and retry.",
            };
    }
}
