using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices
{
    /// <summary>
    /// One place that holds compute services: the local inventory file or a remote Nova.
    /// The cmdlets only ever talk to this interface.
    /// </summary>
    public interface IComputeServiceBackend : IDisposable
    {
        /// <summary>The <c>Source</c> of what it lists: the inventory's full path, or <c>cloud (endpoint, project name)</c>.</summary>
        string Description { get; }

        /// <summary>The <see cref="Description"/> once it is fully known: a cloud connects first to learn its endpoint.</summary>
        Task<string> DescribeAsync(CancellationToken cancellationToken);

        /// <summary>Lists services, filtered server-side by exact host and binary, as Nova does.</summary>
        Task<IReadOnlyList<ComputeService>> ListAsync(ServiceQuery query, CancellationToken cancellationToken);

        /// <summary>Finds exactly one service, or throws ServiceNotFound / AmbiguousService / InvalidServiceId.</summary>
        Task<ComputeService> ResolveAsync(ServiceRef reference, CancellationToken cancellationToken);

        /// <summary>Applies one change to one resolved service and returns it as it is afterwards.</summary>
        Task<ComputeService> UpdateAsync(ComputeService service, ServiceChange change, CancellationToken cancellationToken);

        /// <summary>Deletes one resolved service, or throws ServiceHostingInstances / ServiceHasInProgressMigrations.</summary>
        Task DeleteAsync(ComputeService service, CancellationToken cancellationToken);

        /// <summary>Reports what would block deleting the service, without deleting anything.</summary>
        Task<RemovalCheck> TestRemovalAsync(ComputeService service, CancellationToken cancellationToken);

        /// <summary>Everything a local inventory needs to answer as this backend does: services, hosts, instances, migrations, aggregates.</summary>
        Task<Inventory.InventoryDocument> ExportAsync(CancellationToken cancellationToken);

        /// <summary>
        /// The evacuations in status 'done' with this host as source: nova-compute completes them when it starts again, and
        /// until then Nova refuses to clear the host's forced_down (bug 1922053).
        /// </summary>
        Task<IReadOnlyList<MigrationSummary>> ListPendingEvacuationsAsync(string host, CancellationToken cancellationToken);
    }
}
