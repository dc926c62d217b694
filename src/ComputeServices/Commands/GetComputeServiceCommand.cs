using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace ComputeServices.Commands
{
    /// <summary>Lists compute services, like <c>openstack compute service list --long</c>, with PowerShell filtering.</summary>
    [Cmdlet(VerbsCommon.Get, "ComputeService")]
    [OutputType(typeof(ComputeService))]
    public sealed class GetComputeServiceCommand : ComputeServiceCmdletBase
    {
        private readonly Dictionary<string, IReadOnlyList<ComputeService>> _listings = new Dictionary<string, IReadOnlyList<ComputeService>>();

        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[]? Id { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
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
            IReadOnlyList<ComputeService> services;
            try
            {
                // Pipeline input may change the filters per record; each distinct server-side query is sent once.
                var query = ServerSideQuery();
                var key = query.Host + "\n" + query.Binary;
                if (!_listings.TryGetValue(key, out services))
                    _listings[key] = services = Run(token => Backend.ListAsync(query, token));
            }
            catch (ComputeServiceException ex)
            {
                Report(ex);
                return;
            }
            LastListing.Remember(Backend.Description, services);

            var hosts = Patterns(HostName);
            var binaries = Patterns(Binary);
            var zones = Patterns(Zone);
            var matches = services
                .Where(s => hosts == null || hosts.Any(p => p.IsMatch(s.Host)))
                .Where(s => binaries == null || binaries.Any(p => p.IsMatch(s.Binary)))
                .Where(s => zones == null || zones.Any(p => s.Zone != null && p.IsMatch(s.Zone)))
                .Where(s => Status == null || Status.Any(v => string.Equals(v, s.Status, StringComparison.OrdinalIgnoreCase)))
                .Where(s => State == null || State.Any(v => string.Equals(v, s.State, StringComparison.OrdinalIgnoreCase)))
                .Where(s => Id == null || Id.Any(id => SameId(id, s.Id)))
                .OrderBy(s => s.Host, StringComparer.Ordinal)
                .ThenBy(s => s.Binary, StringComparer.Ordinal)
                .ToList();

            ReportMissing(matches);
            foreach (var service in matches) WriteObject(service);
        }

        // Nova filters host and binary exactly; a single literal value of each is sent to the server, the rest is done here.
        private ServiceQuery ServerSideQuery()
            => new ServiceQuery(SingleLiteral(HostName), SingleLiteral(Binary));

        private void ReportMissing(IReadOnlyCollection<ComputeService> matches)
        {
            // Like Get-Item: a literal name that matches nothing is an error; a wildcard that matches nothing is silence.
            if (Id != null)
                foreach (var id in Id.Where(id => !matches.Any(s => SameId(id, s.Id))))
                    Report(new ComputeServiceException(ErrorIds.ServiceNotFound, FailureKind.NotFound,
                        $"No compute service with id '{id}' matches the other filters.") { Target = id });
            if (HostName != null)
                foreach (var host in HostName.Where(h => !WildcardPattern.ContainsWildcardCharacters(h))
                             .Where(h => !matches.Any(s => string.Equals(s.Host, h, StringComparison.OrdinalIgnoreCase))))
                    Report(new ComputeServiceException(ErrorIds.ServiceNotFound, FailureKind.NotFound,
                        $"No compute service on host '{host}' matches the other filters.")
                    {
                        Target = host,
                        RecommendedAction = "Nova registers hosts by the exact name each service reported (FQDN or short name); try a wildcard such as '" + host + "*'.",
                    });
        }

        private static bool SameId(string wanted, string? actual)
            => actual != null && string.Equals(wanted.Trim(), actual, StringComparison.OrdinalIgnoreCase);

        private static List<WildcardPattern>? Patterns(string[]? values)
            => values?.Select(v => WildcardPattern.Get(v, WildcardOptions.IgnoreCase)).ToList();

        private static string? SingleLiteral(string[]? values)
            => values != null && values.Length == 1 && !WildcardPattern.ContainsWildcardCharacters(values[0]) ? values[0] : null;
    }
}
