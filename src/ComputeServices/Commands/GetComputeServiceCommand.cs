using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ComputeServices.Rules;

namespace ComputeServices.Commands
{
    /// <summary>Lists compute services, like <c>openstack compute service list --long</c>, with PowerShell filtering.</summary>
    [Cmdlet(VerbsCommon.Get, "ComputeService")]
    [OutputType(typeof(ComputeService))]
    public sealed class GetComputeServiceCommand : ComputeServiceCmdletBase
    {
        private readonly Dictionary<string, IReadOnlyList<ComputeService>> _listings = new Dictionary<string, IReadOnlyList<ComputeService>>();

        private ServiceTargets? _targets;

        [Parameter(Position = 0)]
        [AllowEmptyString]
        public string[]? Id { get; set; }

        /// <summary>
        /// What is piped: ids (strings), ComputeService objects (read again), or rows with Id, Host (HostName), Binary and
        /// Source, as the cmdlets that act on services take them.
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        [Parameter]
        [Alias("Host")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[]? HostName { get; set; }

        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(BinaryCompleter))]
        public string[]? Binary { get; set; }

        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ZoneCompleter))]
        public string[]? Zone { get; set; }

        [Parameter]
        [ValidateSet(ServiceStatus.Enabled, ServiceStatus.Disabled, ServiceStatus.Unknown, IgnoreCase = true)]
        public string[]? Status { get; set; }

        [Parameter]
        [ValidateSet(ServiceState.Up, ServiceState.Down, IgnoreCase = true)]
        public string[]? State { get; set; }

        protected override void ProcessRecord()
        {
            if (InputObject != null)
            {
                GetPiped();
                return;
            }
            // A piped row whose Id cells are all blank and that names no host names nothing: it must not list everything.
            if (Id != null && Id.All(i => ServiceIdentity.NormalizeId(i) == null) && HostName == null)
            {
                Report(new ComputeServiceException(ErrorIds.InvalidServiceId, FailureKind.InvalidArgument,
                    "A service id is empty: this value names no service.")
                { RecommendedAction = "Give each row an Id (a UUID, or a legacy integer id) or a Host; blank cells name nothing." });
                return;
            }
            var ids = Id?.Select(ServiceIdentity.NormalizeId).Where(i => i != null).Select(i => i!).ToList();
            if (ids != null && ids.Count == 0) ids = null;

            IReadOnlyList<ComputeService> services;
            try
            {
                // Pipeline input may change the filters per record; each distinct server-side query is sent once.
                var query = ServerSideQuery();
                var key = query.Host + "\n" + query.Binary;
                if (!_listings.TryGetValue(key, out services))
                {
                    _listings[key] = services = Run(token => Backend.ListAsync(query, token));
                    RememberListing(Backend, services, complete: query.Host == null && query.Binary == null);
                }
            }
            catch (ComputeServiceException ex)
            {
                Report(ex);
                return;
            }

            var byId = ids == null ? null : MatchIds(ids, services);
            var matches = new List<ComputeService>(services.Count);
            foreach (var s in services)
                if (Wanted(s, byId)) matches.Add(s);
            matches.Sort(ByHostThenBinary);

            ReportMissing(matches, byId);
            WriteObject(matches, enumerateCollection: true);
        }

        // Piped values name services as they name them to the mutators: one path (ServiceTargets), then the other filters.
        private void GetPiped()
        {
            _targets ??= new ServiceTargets(this, forDelete: false, mayBeOne: false);
            foreach (var named in ServiceTargets.NamedBy(InputObject))
            {
                // A piped service is read again: Get shows services as they are now.
                var target = named.Service != null ? ServiceTarget.Named(ServiceIdentity.RefOf(named.Service), named.Service.Source) : named;
                foreach (var resolved in _targets.Resolve(target))
                {
                    if (resolved.Problem != null)
                    {
                        Report(resolved.Problem, resolved.Input);
                        continue;
                    }
                    if (Wanted(resolved.Service!, null)) WriteObject(resolved.Service);
                }
            }
        }

        private static readonly Comparison<ComputeService> ByHostThenBinary = (a, b) =>
        {
            var byHost = string.CompareOrdinal(a.Host, b.Host);
            return byHost != 0 ? byHost : string.CompareOrdinal(a.Binary, b.Binary);
        };

        private bool Wanted(ComputeService s, Dictionary<string, ComputeService?>? byId)
            => (HostName == null || HostName.Any(h => ServiceIdentity.Matches(h, s.Host)))
               && (Binary == null || Binary.Any(b => ServiceIdentity.Matches(b, s.Binary)))
               && (Zone == null || Zone.Any(z => ServiceIdentity.Matches(z, s.Zone)))
               && (Status == null || Status.Any(v => string.Equals(v, s.Status, StringComparison.OrdinalIgnoreCase)))
               && (State == null || State.Any(v => string.Equals(v, s.State, StringComparison.OrdinalIgnoreCase)))
               && (byId == null || byId.Values.Any(found => found != null && ServiceIdentity.SameId(found.Id, s.Id)));

        // Ids as the mutating cmdlets take them: a uuid as Nova stores it, or a legacy integer id that only the backend can
        // map (the inventory keeps them; Nova below 2.53 lists them). An id the backend rejects is reported here.
        private Dictionary<string, ComputeService?> MatchIds(List<string> ids, IReadOnlyList<ComputeService> services)
        {
            var result = new Dictionary<string, ComputeService?>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                var found = services.FirstOrDefault(s => ServiceIdentity.SameId(id, s.Id));
                if (found == null)
                {
                    try
                    {
                        found = Run(token => Backend.ResolveAsync(ServiceRef.ById(id), token));
                    }
                    catch (ComputeServiceException ex) when (ex.ErrorId == ErrorIds.InvalidServiceId)
                    {
                        Report(ex, id);
                        continue;
                    }
                    catch (ComputeServiceException ex) when (ex.ErrorId == ErrorIds.ServiceNotFound)
                    {
                        found = null;
                    }
                }
                result[id] = found;
            }
            return result;
        }

        // Nova filters host and binary exactly; a single literal value of each is sent to the server, the rest is done here.
        private ServiceQuery ServerSideQuery()
            => new ServiceQuery(SingleLiteral(HostName), SingleLiteral(Binary));

        private void ReportMissing(IReadOnlyCollection<ComputeService> matches, Dictionary<string, ComputeService?>? byId)
        {
            // Like Get-Item: a literal name that matches nothing is an error; a wildcard that matches nothing is silence.
            if (byId != null)
                foreach (var pair in byId.Where(p => p.Value == null || !matches.Any(s => ServiceIdentity.SameId(p.Value.Id, s.Id))))
                    Report(new ComputeServiceException(ErrorIds.ServiceNotFound, FailureKind.NotFound,
                        $"No compute service with id '{pair.Key}' matches the other filters.") { Target = pair.Key });
            if (HostName != null)
                foreach (var host in HostName.Where(h => !string.IsNullOrWhiteSpace(h) && !ServiceIdentity.IsPattern(h))
                             .Where(h => !matches.Any(s => ServiceIdentity.Matches(h, s.Host))))
                    Report(new ComputeServiceException(ErrorIds.ServiceNotFound, FailureKind.NotFound,
                        $"No compute service on host '{host}' matches the other filters.")
                    {
                        Target = host,
                        RecommendedAction = host.Trim() != host
                            ? Rules.ServiceRules.HostNotFoundAdvice(host)
                            : "Host names match exactly and case-sensitively, as Nova registered them (FQDN or short name); a wildcard such as '" + host + "*' matches case-insensitively.",
                    });
        }

        private static string? SingleLiteral(string[]? values)
            => values != null && values.Length == 1 && !ServiceIdentity.IsPattern(values[0]) ? ServiceIdentity.Unescape(values[0]) : null;
    }
}
