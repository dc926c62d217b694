using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Inventory;
using ComputeServices.Rules;

namespace ComputeServices.Nova
{
    /// <summary>
    /// os-services on a real Nova. The request checks of ServiceRules run before sending; the server's answer stays
    /// authoritative. From 2.53 updates are one <c>PUT /os-services/{uuid}</c>; below it, the legacy host+binary actions.
    /// </summary>
    public sealed partial class NovaBackend : IComputeServiceBackend
    {
        private readonly bool _ownsConnection;

        public NovaBackend(NovaConnection connection, bool ownsConnection = false)
            : this(connection, null, ownsConnection)
        {
        }

        /// <param name="connection">The session (may be shared by several commands at once).</param>
        /// <param name="log">Where this backend's requests report (-Verbose/-Debug/warnings of the command using it).</param>
        /// <param name="ownsConnection">Dispose the connection with the backend.</param>
        public NovaBackend(NovaConnection connection, IOperationLog? log, bool ownsConnection = false)
        {
            Connection = connection ?? throw new ArgumentNullException(nameof(connection));
            Log = connection.LogFor(log);
            _ownsConnection = ownsConnection;
        }

        public NovaConnection Connection { get; }

        /// <summary>This backend's log: secrets masked, shared with nobody else's calls.</summary>
        internal IOperationLog Log { get; }

        private Task<NovaResponse> SendAsync(HttpMethod method, string relativePath, object? body, CancellationToken cancellationToken,
            Microversion? microversion = null, ComputeService? service = null, bool throwOnError = true)
            => Connection.SendAsync(method, relativePath, body, cancellationToken, microversion, service, throwOnError, Log);

        private Task ConnectAsync(CancellationToken cancellationToken) => Connection.ConnectAsync(cancellationToken, Log);

        /// <summary>The readable source: <c>cloud (endpoint, project name)</c>, once the endpoint is known.</summary>
        public string Description => Connection.Endpoint != null
            ? Session.ServiceSource.DescribeCloud(Connection.CloudName, Connection.Endpoint, Connection.ProjectName)
            : Connection.ToString();

        public async Task<string> DescribeAsync(CancellationToken cancellationToken)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            return Description;
        }

        private bool UsesUuids => Connection.NegotiatedVersion >= MicroversionNegotiator.UuidIds;

        public async Task<IReadOnlyList<ComputeService>> ListAsync(ServiceQuery query, CancellationToken cancellationToken)
        {
            query ??= ServiceQuery.All;
            var path = "os-services" + Query(("host", query.Host), ("binary", query.Binary));
            var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
            var source = Description;
            var services = NovaServiceReader.TryRead(response.BodyBytes, source);
            if (services != null) return services;
            using var doc = response.Json();   // not the JSON expected: the document path reports it, or reads what it can
            return NovaJson.Services(doc.RootElement, source);
        }

        public async Task<ComputeService> ResolveAsync(ServiceRef reference, CancellationToken cancellationToken)
        {
            if (reference == null) throw new ArgumentNullException(nameof(reference));
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            if (!reference.IsById)
            {
                var matches = await ListAsync(new ServiceQuery(reference.Host, reference.Binary), cancellationToken).ConfigureAwait(false);
                // Nova filters exactly already; re-check so a server that ignores the filter cannot mislead us.
                matches = matches.Where(s => ServiceIdentity.Names(reference, s)).ToList();
                if (matches.Count == 1) return matches[0];
                if (matches.Count == 0)
                    throw await NotFoundOrCellUnreachableAsync(reference, $"Could not find binary {reference.Binary} on host {reference.Host}.", cancellationToken)
                        .ConfigureAwait(false);
                throw Ambiguous(reference, matches,
                    $"Multiple compute services found for host \"{reference.Host}\" and binary \"{reference.Binary}\". Unable to proceed.");
            }

            var id = reference.Id!;
            if (UsesUuids && !NovaJson.IsUuidLike(id))
                throw InvalidId(id, $"Invalid uuid {id}");
            if (!UsesUuids && !NovaJson.IsInteger(id))
                throw InvalidId(id, "Invalid input received: id must be an integer");

            // Nova has no GET by id: list and match.
            var all = await ListAsync(ServiceQuery.All, cancellationToken).ConfigureAwait(false);
            var found = all.Where(s => ServiceIdentity.Names(reference, s)).ToList();
            if (found.Count == 1) return found[0];
            if (found.Count == 0)
            {
                var notFound = await NotFoundOrCellUnreachableAsync(reference, ServiceRules.NotFoundText(id, reference.ForDelete), cancellationToken).ConfigureAwait(false);
                if (notFound.ErrorId == ErrorIds.ServiceNotFound)
                    notFound.RecommendedAction = ServiceRules.IdNotFoundAdvice(id) + " " + HiddenRecordAdvice;
                throw notFound;
            }
            throw Ambiguous(reference, found, $"Service id {id} refers to multiple services.");
        }

        public async Task<ComputeService> UpdateAsync(ComputeService service, ServiceChange change, CancellationToken cancellationToken)
        {
            if (service == null) throw new ArgumentNullException(nameof(service));
            ServiceRules.ValidateChange(change);
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            if (service.IsDownCell) throw CellUnreachable(service, "update it");
            // Nova has no compare-and-set: the precondition is decided on the record read right before the request.
            if (change.Ownership != null) Ownership.Enforce(await CurrentAsync(service, cancellationToken).ConfigureAwait(false), change.Ownership);

            if (UsesUuids)
            {
                var target = NovaJson.IsUuidLike(service.Id) ? service
                    : await ResolveAsync(ServiceRef.ByHost(service.Host, service.Binary), cancellationToken).ConfigureAwait(false);
                var body = new Dictionary<string, object>();
                if (change.Status != null) body["status"] = change.Status;
                if (change.DisabledReason != null) body["disabled_reason"] = change.DisabledReason;
                if (change.ForcedDown.HasValue) body["forced_down"] = change.ForcedDown.Value;
                var response = await SendAsync(HttpMethod.Put, "os-services/" + NovaPath.ServiceId(target.Id, target), body,
                    cancellationToken, service: target).ConfigureAwait(false);
                using var doc = response.Json();
                return NovaJson.ServiceEnvelope(doc.RootElement, Description);
            }

            await LegacyUpdateAsync(service, change, cancellationToken).ConfigureAwait(false);
            // The legacy answers only echo the request; read the full, current record back.
            return await ResolveAsync(ServiceRef.ByHost(service.Host, service.Binary), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The service as Nova lists it now (one filtered listing), or ServiceNotFound.</summary>
        private async Task<ComputeService> CurrentAsync(ComputeService service, CancellationToken cancellationToken)
        {
            var listed = await ListAsync(new ServiceQuery(service.Host, service.Binary), cancellationToken).ConfigureAwait(false);
            var current = RecordMatching.SameRecord(listed, service, out var ambiguous);
            if (ambiguous)
                throw new ServiceSkippedException(service,
                    $"Skipped {service}: {RecordMatching.AmbiguousText(service)}. Connect at microversion 2.53 or later to act on it by its UUID.",
                    isWarning: true);
            return current
                   ?? throw NotFound(ServiceIdentity.RefOf(service), $"Could not find binary {service.Binary} on host {service.Host}.");
        }

        /// <summary>
        /// Below 2.53: force-down first (fence-agents#303: disabling an up-but-unreachable compute waits on RPC),
        /// then enable, disable or disable-log-reason.
        /// </summary>
        private async Task LegacyUpdateAsync(ComputeService service, ServiceChange change, CancellationToken cancellationToken)
        {
            if (change.ForcedDown.HasValue && Connection.NegotiatedVersion < MicroversionNegotiator.ForcedDown)
                throw new ComputeServiceException(ErrorIds.ApiVersionNotSupported, FailureKind.NotSupported,
                    $"Forcing a service down or up needs compute API microversion 2.11 or later; this connection uses {Connection.ApiVersion}.")
                {
                    Target = service,
                    RecommendedAction = "Connect without pinning the compute API version (or pin 2.11 or later).",
                };

            try
            {
                await SendLegacyActionsAsync(service, change, cancellationToken).ConfigureAwait(false);
            }
            catch (ComputeServiceException ex)
            {
                ex.RecommendedAction = LegacyAdvice(ex, service.Host) ?? ex.RecommendedAction;
                throw;
            }
        }

        private async Task SendLegacyActionsAsync(ComputeService service, ServiceChange change, CancellationToken cancellationToken)
        {
            var hostBinary = new Dictionary<string, object> { ["host"] = service.Host, ["binary"] = service.Binary };
            if (change.ForcedDown.HasValue)
            {
                var body = new Dictionary<string, object>(hostBinary) { ["forced_down"] = change.ForcedDown.Value };
                await SendAsync(HttpMethod.Put, "os-services/force-down", body, cancellationToken, service: service).ConfigureAwait(false);
                if (change.Status == null) return;
                try
                {
                    await LegacyStatusAsync(service, change, hostBinary, cancellationToken).ConfigureAwait(false);
                }
                catch (ComputeServiceException ex)
                {
                    throw PartlyApplied(service, change, ex);
                }
                return;
            }
            await LegacyStatusAsync(service, change, hostBinary, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Below 2.53 a forced-down change with a status change is two requests; the second failed, the first holds.</summary>
        private static ComputeServiceException PartlyApplied(ComputeService service, ServiceChange change, ComputeServiceException ex)
        {
            var applied = change.ForcedDown == true ? "forced down" : "no longer forced down";
            var missing = change.Status == ServiceStatus.Enabled ? "not enabled" : "not disabled";
            return new ComputeServiceException(ex.ErrorId, ex.Kind,
                $"{service.Binary} on host {service.Host} was {applied}, but {missing}: {ex.Message}", ex)
            {
                Target = ex.Target ?? service,
                StatusCode = ex.StatusCode,
                RequestId = ex.RequestId,
                ServerMessage = ex.ServerMessage,
                RecommendedAction = $"The forced-down change is in place; retry only the {(change.Status == ServiceStatus.Enabled ? "enable" : "disable")}" +
                                    (ex.RecommendedAction == null ? "." : ". " + ex.RecommendedAction),
            };
        }

        private async Task LegacyStatusAsync(ComputeService service, ServiceChange change, Dictionary<string, object> hostBinary, CancellationToken cancellationToken)
        {
            if (change.Status == ServiceStatus.Enabled)
                await SendAsync(HttpMethod.Put, "os-services/enable", hostBinary, cancellationToken, service: service).ConfigureAwait(false);
            else if (change.Status == ServiceStatus.Disabled && change.DisabledReason == null)
                await SendAsync(HttpMethod.Put, "os-services/disable", hostBinary, cancellationToken, service: service).ConfigureAwait(false);
            else if (change.Status == ServiceStatus.Disabled)
            {
                var body = new Dictionary<string, object>(hostBinary) { ["disabled_reason"] = change.DisabledReason! };
                await SendAsync(HttpMethod.Put, "os-services/disable-log-reason", body, cancellationToken, service: service).ConfigureAwait(false);
            }
        }

        /// <summary>What to do about the legacy actions' own failures, which say little about the cause.</summary>
        internal static string? LegacyAdvice(ComputeServiceException ex, string host)
        {
            if (ex.StatusCode == 404 && ex.ServerMessage != null && ex.ServerMessage.IndexOf("is not mapped to any cell", StringComparison.Ordinal) >= 0)
                return $"Nova has the service but no cell mapping for host {host}: run 'nova-manage cell_v2 discover_hosts' on a controller " +
                       "(or enable [scheduler]discover_hosts_in_cells_interval), then retry.";
            if (ex.StatusCode == 400 && (string.Equals(ex.Target as string, "host", StringComparison.Ordinal) || !LegacyHostPattern.IsMatch(host)))
                return $"Below microversion 2.53 Nova accepts only host names of ASCII letters, digits, '-', '.' and '_', so '{host}' cannot be " +
                       "addressed by the legacy actions: connect without pinning the compute API version (2.53 or later) to update it by its UUID.";
            return null;
        }

        /// <summary>Nova's <c>parameter_types.fqdn</c>, the host schema of the legacy actions.</summary>
        private static readonly System.Text.RegularExpressions.Regex LegacyHostPattern =
            new System.Text.RegularExpressions.Regex("^[a-zA-Z0-9._-]*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        public async Task DeleteAsync(ComputeService service, CancellationToken cancellationToken)
        {
            if (service == null) throw new ArgumentNullException(nameof(service));
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            if (service.IsDownCell) throw CellUnreachable(service, "delete it");
            var target = service;
            var idFits = UsesUuids ? NovaJson.IsUuidLike(service.Id) : NovaJson.IsInteger(service.Id);
            if (!idFits)
                target = await ResolveAsync(ServiceRef.ByHost(service.Host, service.Binary), cancellationToken).ConfigureAwait(false);
            if (target.IsDownCell || string.IsNullOrEmpty(target.Id)) throw CellUnreachable(target, "delete it");
            Log.Verbose($"Deleting {target.Binary} on host {target.Host} (id {target.Id}).");
            try
            {
                await SendAsync(HttpMethod.Delete, "os-services/" + NovaPath.ServiceId(target.Id, target), null, cancellationToken, service: target)
                    .ConfigureAwait(false);
            }
            catch (RequestOutcomeUnknownException lost)
            {
                await ConfirmDeletedAsync(target, lost, cancellationToken).ConfigureAwait(false);
            }
            catch (ComputeServiceException refused) when (refused.ErrorId == ErrorIds.ServiceHostingInstances)
            {
                await NameBlockingInstancesAsync(refused, target, cancellationToken).ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>
        /// The DELETE went out and its answer was lost (it is never re-sent): list the host+binary to learn what happened.
        /// Gone: done, with a warning. Still there, or the check failed: OutcomeUnknown for this service.
        /// </summary>
        private async Task ConfirmDeletedAsync(ComputeService target, RequestOutcomeUnknownException lost, CancellationToken cancellationToken)
        {
            IReadOnlyList<ComputeService> remaining;
            try
            {
                remaining = await ListAsync(new ServiceQuery(target.Host, target.Binary), cancellationToken).ConfigureAwait(false);
            }
            catch (ComputeServiceException check)
            {
                throw OutcomeUnknown(target, lost, $"checking by listing failed too ({check.Message})");
            }
            var still = remaining.Where(s => ServiceIdentity.Same(target, s)).ToList();
            if (still.Count == 0)
            {
                Log.Warning($"The answer to deleting {target.Binary} on host {target.Host} (id {target.Id}) was lost; " +
                            "listing shows the service is gone, so it was deleted.");
                return;
            }
            throw OutcomeUnknown(target, lost, "listing still shows the service (Nova may still be deleting it, or the request never arrived)");
        }

        private static ComputeServiceException OutcomeUnknown(ComputeService target, RequestOutcomeUnknownException lost, string finding)
            => new ComputeServiceException(ErrorIds.OutcomeUnknown, FailureKind.ConnectionError,
                $"Deleting {target.Binary} on host {target.Host} (id {target.Id}): the request was sent once but its answer was lost, and {finding}.", lost)
            {
                Target = target,
                RecommendedAction = $"Check with Get-ComputeService -HostName {target.Host} -Binary {target.Binary} whether it still exists before removing it again.",
            };

        public Task<InventoryDocument> ExportAsync(CancellationToken cancellationToken) => ExportInventoryAsync(cancellationToken);

        public void Dispose()
        {
            if (_ownsConnection) Connection.Dispose();
        }

        internal static string Query(params (string Name, string? Value)[] parameters)
        {
            var parts = parameters.Where(p => !string.IsNullOrEmpty(p.Value))
                .Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value!)).ToList();
            return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
        }

        // Nova lists no nova-osapi_compute or nova-metadata record (bug 1543625) but deletes one by id: this module acts
        // only on what it can list and check first, so it cannot tell such a record from an unknown id.
        private const string HiddenRecordAdvice =
            "Nova never lists nova-osapi_compute or nova-metadata records, and this module acts only on services Nova lists: " +
            "if the id is one of those, Nova refuses to update it and deletes it (openstack compute service delete <id>).";

        private static ComputeServiceException NotFound(ServiceRef reference, string message)
            => new ComputeServiceException(ErrorIds.ServiceNotFound, FailureKind.NotFound, message)
            {
                Target = reference,
                RecommendedAction = ServiceRules.HostNotFoundAdvice(reference.Host),
            };

        private static ComputeServiceException Ambiguous(ServiceRef reference, IEnumerable<ComputeService> matches, string message)
            => new ComputeServiceException(ErrorIds.AmbiguousService, FailureKind.InvalidArgument, message)
            {
                Target = reference,
                RecommendedAction = "Identify the service by its UUID (microversion 2.53 or later): " + string.Join(", ", matches.Select(m => m.ToString())) + ".",
            };

        private ComputeServiceException InvalidId(string id, string message)
            => new ComputeServiceException(ErrorIds.InvalidServiceId, FailureKind.InvalidArgument, message)
            {
                Target = id,
                RecommendedAction = UsesUuids
                    ? "From microversion 2.53 services are identified by UUID; pass the Id that Get-ComputeService shows, or -HostName and -Binary."
                    : $"Below microversion 2.53 (this connection uses {Connection.ApiVersion}) ids are integers; pass the Id that Get-ComputeService shows, or -HostName and -Binary.",
            };
    }
}
