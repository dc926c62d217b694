using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ComputeServices.Rules;
using ComputeServices.Session;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Cmdlets that act on named services. Three ways to name one: piped ComputeService objects (the default set),
    /// ids (also piped strings and objects with an Id), or host and binary. Each is resolved, where it was listed from,
    /// before it is handled; names and ids are resolved from one listing per backend and command.
    /// </summary>
    public abstract class ServiceTargetCmdletBase : ComputeServiceCmdletBase
    {
        protected const string ByInputObjectSet = "ByInputObject";
        protected const string ByIdSet = "ById";
        protected const string ByHostSet = "ByHost";

        private readonly Dictionary<IComputeServiceBackend, ServiceResolver> _resolvers = new Dictionary<IComputeServiceBackend, ServiceResolver>();

        /// <summary>Services from Get-ComputeService.</summary>
        [Parameter(ParameterSetName = ByInputObjectSet, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public ComputeService[]? InputObject { get; set; }

        /// <summary>Service ids: UUIDs (or legacy integer ids); also piped strings and objects with an Id property.</summary>
        /// <remarks>
        /// Also declared, optional and by property name only, in the ByHost set: a piped row with both Id and Host
        /// (an exported ComputeService, a CSV line) then binds there without ambiguity, and its Id wins unless it is blank.
        /// </remarks>
        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByHostSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
        [AllowEmptyString]
        [AllowNull]
        public string[]? Id { get; set; }

        /// <summary>Host names: a literal matches exactly and case-sensitively, as Nova does; a wildcard pattern case-insensitively.</summary>
        [Parameter(ParameterSetName = ByHostSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Host")]
        [AllowEmptyString]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[]? HostName { get; set; }

        /// <summary>The service binary on those hosts; nova-compute unless given.</summary>
        [Parameter(ParameterSetName = ByHostSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(BinaryCompleter))]
        public string Binary { get; set; } = ServiceBinaries.Compute;

        /// <summary>
        /// Where the named services live, as a ComputeService's Source shows it (bound from piped rows and deserialized
        /// objects). They are acted on there, or not at all (TargetMismatch).
        /// </summary>
        [Parameter(ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByHostSet, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowNull]
        public string? Source { get; set; }

        /// <summary>How many services this invocation was handed at once, when known up front (for progress).</summary>
        protected int BatchSize => ParameterSetName switch
        {
            ByIdSet => Id?.Length ?? 0,
            ByHostSet => HostName?.Length ?? 0,
            _ => InputObject?.Length ?? 0,
        };

        /// <summary>True for cmdlets that delete (or check a delete): an unknown id is then worded as Nova's DELETE words it.</summary>
        protected virtual bool ResolvesForDelete => false;

        /// <summary>Handles one resolved service; <see cref="ComputeServiceCmdletBase.BackendOf"/> is where it lives.</summary>
        protected abstract void Process(ComputeService service);

        protected override void ProcessRecord()
        {
            foreach (var target in Targets())
            {
                IReadOnlyList<ComputeService> services;
                try
                {
                    if (target.Problem != null) throw target.Problem;
                    var backend = BackendForSource(target.Source);
                    services = target.Service != null
                        ? new[] { target.Service }
                        : Run(token => ResolverOf(backend).ResolveAsync(target.Reference!, token));
                    foreach (var service in services) RememberSource(service, backend);
                }
                catch (ComputeServiceException ex)
                {
                    OnResolveFailed(ex, (object?)target.Reference ?? target.Service);
                    continue;
                }
                foreach (var service in services) Process(service);
            }
        }

        /// <summary>Full listings made to resolve names and ids (one per backend unless a name was missing from it).</summary>
        protected int ListingsMade => _resolvers.Values.Sum(r => r.Listings);

        /// <summary>A name, id or row that could not be resolved: reported (bulk cmdlets also count it, in input order).</summary>
        protected virtual void OnResolveFailed(ComputeServiceException ex, object? target) => ReportStopping(ex, target);

        /// <summary>Reports a failure; if that stops the command (-ErrorAction Stop, or terminating), work already started stops with it.</summary>
        protected void ReportStopping(ComputeServiceException ex, object? target)
        {
            try
            {
                Report(ex, target);
            }
            catch
            {
                CancelRunningWork();
                throw;
            }
        }

        private ServiceResolver ResolverOf(IComputeServiceBackend backend)
        {
            if (!_resolvers.TryGetValue(backend, out var resolver))
                _resolvers[backend] = resolver = new ServiceResolver(backend, mayBeOne: !MyInvocation.ExpectingInput && BatchSize <= 1);
            return resolver;
        }

        private sealed class Target
        {
            public ComputeService? Service;
            public ServiceRef? Reference;
            public string? Source;
            public ComputeServiceException? Problem;
        }

        private IEnumerable<Target> Targets()
        {
            switch (ParameterSetName)
            {
                case ByIdSet:
                    foreach (var id in Id ?? new string[] { null! })
                        yield return ById(id);
                    break;
                case ByHostSet:
                    // A row with both: its Id wins, unless the Id cell is blank (then the row's Host names it).
                    var ids = (Id ?? new string[0]).Select(ServiceIdentity.NormalizeId).Where(i => i != null).ToList();
                    if (ids.Count > 0)
                    {
                        foreach (var id in ids) yield return ById(id);
                        break;
                    }
                    foreach (var host in HostName ?? new string[] { null! })
                        yield return string.IsNullOrWhiteSpace(host)
                            ? new Target { Problem = NamesNothing("A host name is empty: this row names no service."), Source = Source }
                            : new Target { Reference = ServiceRef.ByHost(host, Binary), Source = Source };
                    break;
                default:
                    // A down-cell record (2.69) has no id: it can only be found again by host and binary.
                    foreach (var service in InputObject!)
                        yield return string.IsNullOrEmpty(service.Id)
                            ? new Target { Reference = ServiceRef.ByHost(service.Host, service.Binary), Source = service.Source }
                            : new Target { Service = service, Source = service.Source };
                    break;
            }
        }

        private Target ById(string? id)
        {
            var normalized = ServiceIdentity.NormalizeId(id);
            return normalized == null
                ? new Target { Problem = NamesNothing("A service id is empty: this value names no service."), Source = Source }
                : new Target { Reference = ServiceRef.ById(normalized, ResolvesForDelete), Source = Source };
        }

        private static ComputeServiceException NamesNothing(string message)
            => new ComputeServiceException(ErrorIds.InvalidServiceId, FailureKind.InvalidArgument, message)
            {
                RecommendedAction = "Give each row an Id (a UUID, or a legacy integer id) or a Host; blank cells name nothing.",
            };
    }
}
