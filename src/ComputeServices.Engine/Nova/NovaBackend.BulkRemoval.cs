using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Inventory;

namespace ComputeServices.Nova
{
    /// <summary>
    /// The pre-flight over many services costs a fixed number of listings: the first service is checked with requests
    /// filtered to its host (one service costs little), and from the second on the whole cloud's instances, soft-deleted
    /// instances and migrations are listed once per backend (i.e. per cmdlet invocation, pages aside) and filtered here.
    /// </summary>
    public sealed partial class NovaBackend
    {
        private readonly object _bulkLock = new object();
        private int _removalChecks;
        private Task<ILookup<string, InstanceRecord>>? _allInstances;
        private Task<List<MigrationRecord>>? _allMigrations;

        private async Task<List<InstanceRecord>> InstancesForCheckAsync(string host, CancellationToken cancellationToken)
        {
            if (!UseBulkListings()) return await ListBlockingInstancesAsync(host, cancellationToken).ConfigureAwait(false);
            Task<ILookup<string, InstanceRecord>> all;
            lock (_bulkLock) all = _allInstances ??= ListAllBlockingInstancesAsync(cancellationToken);
            try
            {
                return (await all.ConfigureAwait(false))[host].ToList();
            }
            catch (ComputeServiceException ex) when (ex.Kind == FailureKind.ServerError)
            {
                // A broken instance somewhere in the cloud fails the whole detailed list: ask about this host alone.
                return await ListBlockingInstancesAsync(host, cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<List<MigrationRecord>> MigrationsForCheckAsync(string host, CancellationToken cancellationToken)
        {
            if (!UseBulkListings()) return await ListMigrationsAsync(host, cancellationToken).ConfigureAwait(false);
            Task<List<MigrationRecord>> all;
            lock (_bulkLock) all = _allMigrations ??= ListMigrationsAsync(null, cancellationToken);
            return (await all.ConfigureAwait(false))
                .Where(m => string.Equals(m.SourceCompute, host, StringComparison.Ordinal) || string.Equals(m.DestCompute, host, StringComparison.Ordinal))
                .ToList();
        }

        // Decided once per check (instances first): the first check of this backend goes host by host.
        private bool UseBulkListings()
        {
            lock (_bulkLock) return _removalChecks > 1;
        }

        private void CountRemovalCheck()
        {
            lock (_bulkLock) _removalChecks++;
        }

        /// <summary>
        /// Nova's 409 "hosting instances" names none: name them as the inventory does (the listing is what the pre-flight
        /// reads). A failing listing leaves Nova's refusal as it is.
        /// </summary>
        private async Task NameBlockingInstancesAsync(ComputeServiceException refused, ComputeService service, CancellationToken cancellationToken)
        {
            try
            {
                var instances = (await ListBlockingInstancesAsync(service.Host, cancellationToken).ConfigureAwait(false))
                    .Select(i => new InstanceSummary(i.Uuid, i.Name, i.VmState)).ToList();
                if (instances.Count > 0) refused.RecommendedAction = Rules.ServiceRules.HostingInstances(service, instances).RecommendedAction;
            }
            catch (ComputeServiceException ex)
            {
                Log.Verbose($"Listing the instances on {service.Host} to name them failed ({ex.Message}).");
            }
        }

        private async Task<ILookup<string, InstanceRecord>> ListAllBlockingInstancesAsync(CancellationToken cancellationToken)
        {
            var all = await ListBlockingInstancesAsync(null, cancellationToken).ConfigureAwait(false);
            return all.Where(i => i.Host != null).ToLookup(i => i.Host!, StringComparer.Ordinal);
        }
    }
}
