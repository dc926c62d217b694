using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ComputeServices.Rules;
using ComputeServices.Session;

namespace ComputeServices.Commands
{
    /// <summary>One service a command was given: resolved where it lives, or kept as a name (Wait -Registered), or why not.</summary>
    internal sealed class ServiceTarget
    {
        public ComputeService? Service { get; private set; }
        public IComputeServiceBackend? Backend { get; private set; }
        /// <summary>How it was named, when not by a listed object.</summary>
        public ServiceRef? Reference { get; private set; }
        public string? Source { get; private set; }
        public ComputeServiceException? Problem { get; private set; }

        /// <summary>What an error about this target names.</summary>
        public object Input => (object?)Service ?? (object?)Reference ?? Problem?.Target ?? "";

        public static ServiceTarget Listed(ComputeService service) => new ServiceTarget { Service = service, Source = service.Source };
        public static ServiceTarget Named(ServiceRef reference, string? source) => new ServiceTarget { Reference = reference, Source = source };
        public static ServiceTarget Failed(ComputeServiceException problem, object? input = null)
        {
            problem.Target ??= input;
            return new ServiceTarget { Problem = problem };
        }

        public ServiceTarget At(ComputeService? service, IComputeServiceBackend backend)
            => new ServiceTarget { Service = service, Backend = backend, Reference = Reference, Source = Source };
    }

    /// <summary>
    /// The one path from what a command was given to resolved services, for every cmdlet: piped ComputeService objects,
    /// ids (also piped strings), host and binary, CSV rows and deserialized objects (Id, Host or HostName, Binary, Source),
    /// each resolved where it was listed (its Source) or in the command's backend. Names and ids are resolved from one
    /// listing per backend and command. A row's Id wins unless it is blank; a blank row names nothing (InvalidServiceId).
    /// </summary>
    internal sealed class ServiceTargets
    {
        private readonly ComputeServiceCmdletBase _cmdlet;
        private readonly bool _forDelete;
        private readonly bool _mayBeOne;
        private readonly bool _forUpdate;
        private readonly Dictionary<IComputeServiceBackend, ServiceResolver> _resolvers = new Dictionary<IComputeServiceBackend, ServiceResolver>();

        /// <param name="forDelete">An unknown id is worded as Nova's DELETE words it.</param>
        /// <param name="mayBeOne">The command may be about a single service (ask the backend for it alone, not a listing).</param>
        /// <param name="forUpdate">The command updates services: a host and binary are refused for the binary before the host is looked up, as Nova's legacy actions do.</param>
        public ServiceTargets(ComputeServiceCmdletBase cmdlet, bool forDelete, bool mayBeOne, bool forUpdate = false)
        {
            _cmdlet = cmdlet;
            _forDelete = forDelete;
            _mayBeOne = mayBeOne;
            _forUpdate = forUpdate;
        }

        /// <summary>Full listings made to resolve names and ids.</summary>
        public int Listings => _resolvers.Values.Sum(r => r.Listings);

        /// <summary>What the values of one pipeline record name, not yet resolved.</summary>
        public static IEnumerable<ServiceTarget> Named(ComputeService[]? services, string[]? ids, string[]? hosts, string? binary, string? source)
        {
            if (services != null)
            {
                // A down-cell record (2.69) has no id: it can only be found again by host and binary.
                foreach (var service in services)
                    yield return string.IsNullOrEmpty(service.Id)
                        ? ServiceTarget.Named(ServiceIdentity.RefOf(service), service.Source)
                        : ServiceTarget.Listed(service);
                yield break;
            }
            if (hosts == null)
            {
                foreach (var id in ids ?? new string?[] { null })
                    yield return ServiceIdentity.NormalizeId(id) is string usableId
                        ? ServiceTarget.Named(ServiceRef.ById(usableId), source)
                        : ServiceTarget.Failed(NamesNothing("A service id is empty: this value names no service."));
                yield break;
            }
            // A row with both: its Id wins, unless the Id cell is blank (then the row's Host names it).
            var usable = (ids ?? new string[0]).Select(ServiceIdentity.NormalizeId).Where(i => i != null).ToList();
            if (usable.Count > 0)
            {
                foreach (var id in usable) yield return ServiceTarget.Named(ServiceRef.ById(id!), source);
                yield break;
            }
            foreach (var host in hosts)
                yield return string.IsNullOrWhiteSpace(host)
                    ? ServiceTarget.Failed(NamesNothing("A host name is empty: this row names no service."))
                    : ServiceTarget.Named(ServiceRef.ByHost(host, binary), source);
        }

        /// <summary>
        /// What one piped object names, read as the mutators' parameter binding reads it: a ComputeService; a string (an id);
        /// or any object with Id, Host (or HostName), Binary and Source properties (a CSV row, a deserialized service).
        /// </summary>
        public static IEnumerable<ServiceTarget> NamedBy(object? piped)
        {
            var value = piped is PSObject wrapped ? wrapped.BaseObject : piped;
            if (value is ComputeService service) return Named(new[] { service }, null, null, null, null);
            if (value is string text) return Named(null, new[] { text }, null, null, null);
            var row = piped as PSObject ?? new PSObject(piped);
            var id = Text(row, "Id");
            var host = Text(row, "Host") ?? Text(row, "HostName");
            var hostGiven = row.Properties["Host"] != null || row.Properties["HostName"] != null;
            return Named(null, id == null ? null : new[] { id }, hostGiven ? new[] { host ?? "" } : null, Text(row, "Binary"), Text(row, "Source"));
        }

        /// <summary>The services one named target stands for (a host pattern may stand for several, or none).</summary>
        public IReadOnlyList<ServiceTarget> Resolve(ServiceTarget target)
        {
            if (target.Problem != null) return new[] { target };
            try
            {
                if (_forUpdate && target.Service == null && target.Reference?.IsById == false)
                    ServiceRules.EnsureUpdatable(target.Reference.Binary, target.Reference);
                var backend = _cmdlet.BackendForSource(target.Source);
                IReadOnlyList<ComputeService> services;
                if (target.Service != null)
                {
                    services = new[] { target.Service };
                }
                else
                {
                    var reference = target.Reference!.IsById && _forDelete ? ServiceRef.ById(target.Reference.Id!, forDelete: true) : target.Reference;
                    services = _cmdlet.Run(token => ResolverOf(backend).ResolveAsync(reference, token));
                }
                var result = new List<ServiceTarget>(services.Count);
                foreach (var service in services)
                {
                    _cmdlet.RememberSource(service, backend);
                    result.Add(target.At(service, _cmdlet.BackendOf(service)));
                }
                return result;
            }
            catch (ComputeServiceException ex)
            {
                return new[] { ServiceTarget.Failed(ex, target.Input) };
            }
        }

        /// <summary>Where a named target is watched or acted on without resolving it (Wait -Registered): its Source, else the command's backend.</summary>
        public ServiceTarget Place(ServiceTarget target)
        {
            if (target.Problem != null) return target;
            try
            {
                var backend = target.Service != null ? _cmdlet.BackendOf(target.Service) : _cmdlet.BackendForSource(target.Source);
                return target.At(target.Service, backend);
            }
            catch (ComputeServiceException ex)
            {
                return ServiceTarget.Failed(ex, target.Input);
            }
        }

        private ServiceResolver ResolverOf(IComputeServiceBackend backend)
        {
            if (!_resolvers.TryGetValue(backend, out var resolver))
                _resolvers[backend] = resolver = new ServiceResolver(backend, _mayBeOne);
            return resolver;
        }

        private static string? Text(PSObject row, string name)
        {
            var value = row.Properties[name]?.Value;
            if (value is PSObject inner) value = inner.BaseObject;
            return value?.ToString();
        }

        private static ComputeServiceException NamesNothing(string message)
            => new ComputeServiceException(ErrorIds.InvalidServiceId, FailureKind.InvalidArgument, message)
            {
                RecommendedAction = "Give each row an Id (a UUID, or a legacy integer id) or a Host; blank cells name nothing.",
            };
    }
}
