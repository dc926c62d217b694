using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Rules;

namespace ComputeServices.Inventory
{
    /// <summary>The local JSON inventory: a small Nova that answers as <c>os-services</c> does at microversion 2.53+.</summary>
    public sealed partial class InventoryBackend : IComputeServiceBackend
    {
        private readonly InventoryFile _file;
        private readonly Func<DateTime> _utcNow;

        public InventoryBackend(string path, Func<DateTime>? utcNow = null)
            : this(new InventoryFile(path), utcNow)
        {
        }

        public InventoryBackend(InventoryFile file, Func<DateTime>? utcNow = null)
        {
            _file = file;
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        public string Description => _file.Path;
        public InventoryFile File => _file;

        public Task<string> DescribeAsync(CancellationToken cancellationToken) => Task.FromResult(Description);

        public Task<IReadOnlyList<ComputeService>> ListAsync(ServiceQuery query, CancellationToken cancellationToken)
        {
            var document = ReadShared();
            var now = _utcNow();
            var zones = DocumentIndex.Of(document).ZonesByHost;
            IReadOnlyList<ComputeService> result = document.Services
                .Where(s => !ServiceRules.HiddenBinaries.Contains(s.Binary))
                .Where(s => query.Host == null || string.Equals(s.Host, query.Host, StringComparison.Ordinal))
                .Where(s => query.Binary == null || string.Equals(s.Binary, query.Binary, StringComparison.Ordinal))
                .Select(s => Render(document, s, now, zones))
                .ToList();
            return Task.FromResult(result);
        }

        public Task<ComputeService> ResolveAsync(ServiceRef reference, CancellationToken cancellationToken)
        {
            var document = ReadShared();
            return Task.FromResult(Render(document, Find(document, reference), _utcNow()));
        }

        public Task<ComputeService> UpdateAsync(ComputeService service, ServiceChange change, CancellationToken cancellationToken)
        {
            // Nova's order of checks (_update_v253): schema, lookup, nova-compute only, reason with status,
            // force-up with done evacuations, and last, that something changes.
            ServiceRules.ValidateSchema(change);
            return Mutate(document =>
            {
                var record = FindForUpdate(document, service);
                var current = Render(document, record, _utcNow());
                // Decided on the document read under the write lock: no other writer can change it in between.
                Ownership.Enforce(current, change.Ownership);
                ServiceRules.EnsureUpdatable(current);
                ServiceRules.ValidateReasonWithStatus(change);
                Evacuations.EnsureForceUpAllowed(current, change, HasDoneEvacuations(document, record.Host));
                ServiceRules.ValidateSomethingChanges(change);

                var before = (record.Disabled, record.DisabledReason, record.ForcedDown);
                if (change.Status == ServiceStatus.Enabled)
                {
                    record.Disabled = false;
                    record.DisabledReason = null;
                }
                else if (change.Status == ServiceStatus.Disabled)
                {
                    record.Disabled = true;
                    record.DisabledReason = change.DisabledReason;
                }
                if (change.ForcedDown.HasValue) record.ForcedDown = change.ForcedDown.Value;
                // Nova saves the same values without an UPDATE statement, so updated_at moves only on a real change.
                if (before != (record.Disabled, record.DisabledReason, record.ForcedDown)) record.UpdatedAt = Truncate(_utcNow());
                return Render(document, record, _utcNow());
            }, service, cancellationToken);
        }

        public Task DeleteAsync(ComputeService service, CancellationToken cancellationToken)
        {
            return Mutate(document =>
            {
                var record = FindForDelete(document, service);
                if (string.Equals(record.Binary, ServiceBinaries.Compute, StringComparison.Ordinal))
                {
                    var check = Check(document, record);
                    if (check.Instances.Count > 0) throw ServiceRules.HostingInstances(check.Service, check.Instances);
                    if (check.Migrations.Count > 0) throw ServiceRules.InProgressMigrations(check.Service, check.Migrations);

                    // Nova's cleanup for a deleted compute: it leaves every aggregate, and its compute nodes go with it.
                    foreach (var aggregate in document.Aggregates)
                        aggregate.Hosts.RemoveAll(h => string.Equals(h, record.Host, StringComparison.Ordinal));
                    document.ComputeNodes.RemoveAll(n => string.Equals(n.Host, record.Host, StringComparison.Ordinal));
                }
                document.Services.Remove(record);
                DocumentIndex.Invalidate(document);
                return true;
            }, service, cancellationToken);
        }

        public Task<RemovalCheck> TestRemovalAsync(ComputeService service, CancellationToken cancellationToken)
        {
            var document = ReadShared();
            var record = FindForDelete(document, service);
            return Task.FromResult(Check(document, record));
        }

        public Task<InventoryDocument> ExportAsync(CancellationToken cancellationToken) => Task.FromResult(_file.Read());


        public Task<IReadOnlyList<MigrationSummary>> ListPendingEvacuationsAsync(string host, CancellationToken cancellationToken)
        {
            IReadOnlyList<MigrationSummary> result = ReadShared().Migrations
                .Where(m => IsDoneEvacuationFrom(m, host))
                .Select(m => new MigrationSummary(m.Uuid, m.Status, m.MigrationType, m.SourceCompute ?? "", m.DestCompute ?? "", "source"))
                .ToList();
            return Task.FromResult(result);
        }


        public void Dispose() => DisposeGroupCommit();

        private RemovalCheck Check(InventoryDocument document, ServiceRecord record)
        {
            var rendered = Render(document, record, _utcNow());
            if (!string.Equals(record.Binary, ServiceBinaries.Compute, StringComparison.Ordinal))
                return new RemovalCheck(rendered, Array.Empty<InstanceSummary>(), Array.Empty<MigrationSummary>());

            var index = DocumentIndex.Of(document);
            var instances = index.InstancesOn(record.Host)
                .Select(i => new InstanceSummary(i.Uuid, i.Name, i.VmState))
                .ToList();

            // Nova checks per compute node, and skips the check when the host has no compute node (bug 1860312).
            var nodes = index.NodesOf(record.Host);
            var migrations = new List<MigrationSummary>();
            foreach (var m in index.InProgressMigrations)
            {
                var role = Rules.MigrationMatching.RoleOf(m, record.Host, nodes);
                if (role != null) migrations.Add(Rules.MigrationMatching.Summarize(m, role));
            }
            var sameHost = document.Services.Count(s => s.Binary == ServiceBinaries.Compute && string.Equals(s.Host, record.Host, StringComparison.Ordinal));
            if (sameHost > 1 && instances.Count + migrations.Count > 0)
                return new RemovalCheck(rendered, instances, migrations, undeterminedBecause: Rules.RecordMatching.SameHostInCellsText(record.Host, sameHost),
                    blockersMayNotCount: true);
            // A snapshot taken while os-hypervisors failed only assumes the host's nodes: what they match proves nothing.
            if (migrations.Count > 0 && document.Snapshot?.HostsWithAssumedNodes.Contains(record.Host) == true)
                return new RemovalCheck(rendered, instances, Array.Empty<MigrationSummary>(), undeterminedBecause:
                    $"this snapshot could not list the compute nodes of {record.Host} (os-hypervisors failed, or hides them), so they are assumed: " +
                    $"Nova matches migrations by host and node, and may refuse because of {string.Join(", ", migrations.Select(m => m.Id))}");
            return new RemovalCheck(rendered, instances, migrations);
        }

        private static bool HasDoneEvacuations(InventoryDocument document, string host)
            => document.Migrations.Any(m => IsDoneEvacuationFrom(m, host));

        private static bool IsDoneEvacuationFrom(MigrationRecord m, string host)
            => m.MigrationType != null && Evacuations.BlocksForceUp(m.Status, m.MigrationType, m.SourceCompute, host);

        private ComputeService Render(InventoryDocument document, ServiceRecord s, DateTime now, Dictionary<string, List<string>>? zonesByHost = null)
        {
            var settings = document.Settings;
            zonesByHost ??= DocumentIndex.Of(document).ZonesByHost;
            var zones = zonesByHost.TryGetValue(s.Host, out var found) ? found : (IEnumerable<string>)Array.Empty<string>();
            return new ComputeService(
                s.Uuid,
                s.Binary,
                s.Host,
                ServiceRules.DeriveZone(s.Binary, zones, settings.DefaultAvailabilityZone, settings.InternalServiceAvailabilityZone),
                s.Disabled ? ServiceStatus.Disabled : ServiceStatus.Enabled,
                ServiceRules.DeriveState(s.ForcedDown, s.LastSeenUp, s.CreatedAt, now, TimeSpan.FromSeconds(settings.ServiceDownTime)),
                s.ForcedDown,
                s.DisabledReason,
                s.UpdatedAt,
                _file.Path);
        }

        private static ServiceRecord Find(InventoryDocument document, ServiceRef reference)
        {
            if (reference.IsById) return FindById(document, reference.Id!, update: !reference.ForDelete);
            var matches = document.Services.Where(s =>
                !ServiceRules.HiddenBinaries.Contains(s.Binary)
                && string.Equals(s.Host, reference.Host, StringComparison.Ordinal)
                && string.Equals(s.Binary, reference.Binary, StringComparison.Ordinal)).Take(2).ToList();
            // The host name in two cells: as the Nova backend, never a guess.
            if (matches.Count > 1)
                throw new ComputeServiceException(ErrorIds.AmbiguousService, FailureKind.InvalidArgument,
                    $"Multiple compute services found for host \"{reference.Host}\" and binary \"{reference.Binary}\". Unable to proceed.")
                {
                    Target = reference,
                    RecommendedAction = "Identify the service by its UUID: " + string.Join(", ", matches.Select(m => m.Uuid)) + ".",
                };
            var record = matches.FirstOrDefault();
            if (record != null) return record;
            throw new ComputeServiceException(ErrorIds.ServiceNotFound, FailureKind.NotFound,
                $"Could not find binary {reference.Binary} on host {reference.Host}.")
            {
                Target = reference,
                RecommendedAction = ServiceRules.HostNotFoundAdvice(reference.Host),
            };
        }

        private static ServiceRecord FindForUpdate(InventoryDocument document, ComputeService service)
            => FindById(document, service.Id ?? "", update: true);

        private static ServiceRecord FindForDelete(InventoryDocument document, ComputeService service)
            => FindById(document, service.Id ?? "", update: false);

        private static ServiceRecord FindById(InventoryDocument document, string id, bool update)
        {
            ServiceRecord? record;
            if (Guid.TryParse(id, out var uuid))
                // Only the uuid as stored: Nova's database finds no other spelling.
                record = DocumentIndex.Of(document).ByUuid.TryGetValue(uuid, out var byUuid) && ServiceIdentity.SameId(id, byUuid.Uuid) ? byUuid : null;
            else if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var legacy))
            {
                // Exported from cells that each numbered their services: Nova refuses such an id (400), so no guess here.
                if (document.Snapshot?.RepeatedLegacyIds.Contains(legacy) == true)
                    throw new ComputeServiceException(ErrorIds.AmbiguousService, FailureKind.InvalidArgument, $"Service id {id} refers to multiple services.")
                    {
                        Target = id,
                        RecommendedAction = "In the cloud this inventory was exported from, two cells both have this integer id: identify the service by its UUID, or by -HostName and -Binary.",
                    };
                record = DocumentIndex.Of(document).ByLegacyId.TryGetValue(legacy, out var byId) ? byId : null;
            }
            else
                throw new ComputeServiceException(ErrorIds.InvalidServiceId, FailureKind.InvalidArgument,
                    $"Invalid service id '{id}': expected a UUID or an integer id.")
                {
                    Target = id,
                    RecommendedAction = "Pass the Id that Get-ComputeService shows, or identify the service by -HostName and -Binary.",
                };

            if (record != null && !ServiceRules.HiddenBinaries.Contains(record.Binary)) return record;
            // Nova lists no nova-osapi_compute or nova-metadata record, yet its DELETE by id finds and deletes one (204).
            // Anything else (an update, a wait, Get) does not find it here: Nova would refuse its update (400) anyway.
            if (record != null && !update) return record;
            throw new ComputeServiceException(ErrorIds.ServiceNotFound, FailureKind.NotFound, ServiceRules.NotFoundText(id, forDelete: !update))
            {
                Target = id,
                RecommendedAction = record != null
                    ? $"It is a {record.Binary} record on {record.Host}, which Nova never lists: Nova deletes it by its id (Remove-ComputeService -Id), and refuses to update it (only nova-compute services can be updated)."
                    : ServiceRules.IdNotFoundAdvice(id),
            };
        }

        private static DateTime Truncate(DateTime value)
            => new DateTime(value.Ticks - value.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    }
}
