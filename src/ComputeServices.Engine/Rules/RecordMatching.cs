using System;
using System.Collections.Generic;
using System.Linq;

namespace ComputeServices.Rules
{
    /// <summary>
    /// Which record of a fresh listing is the very record a change will act on, for decisions taken on its current state
    /// (the ownership checks of Disable -Owner and Enable -IfOwner). A uuid (2.53 and later) names one record in every cell.
    /// Below 2.53 the change goes by host and binary, and integer ids repeat across cells: when the listing has that host
    /// and binary more than once (the host name in two cells), no client can tell which one Nova will change.
    /// </summary>
    public static class RecordMatching
    {
        /// <summary>The matching record; null when it is not listed. <paramref name="ambiguous"/> is set when it cannot be told.</summary>
        public static ComputeService? SameRecord(IEnumerable<ComputeService> listing, ComputeService service, out bool ambiguous)
        {
            if (listing == null) throw new ArgumentNullException(nameof(listing));
            if (service == null) throw new ArgumentNullException(nameof(service));
            ambiguous = false;
            if (Guid.TryParse(service.Id, out _))
                return listing.FirstOrDefault(s => s.Id != null && ServiceIdentity.SameId(s.Id, service.Id));
            var candidates = listing.Where(s => s.Host == service.Host && s.Binary == service.Binary).ToList();
            if (candidates.Count > 1)
            {
                ambiguous = true;
                return null;
            }
            var found = candidates.SingleOrDefault();
            // An integer id that differs from the listed one: another record by now (deleted and re-registered).
            if (found != null && !string.IsNullOrEmpty(service.Id) && found.Id != null && !ServiceIdentity.SameId(found.Id, service.Id)) return null;
            return found;
        }

        public static string AmbiguousText(ComputeService service)
            => $"host {service.Host} has more than one {service.Binary} service (one per cell) and below microversion 2.53 Nova changes " +
               "them by host and binary: which record would change cannot be told, so its owner cannot be checked";

        /// <summary>Why a pre-flight cannot tell for a host name with a nova-compute service in more than one cell.</summary>
        public static string SameHostInCellsText(string host, int services)
            => $"host {host} has {services} nova-compute services (one per cell): Nova counts only the instances and migrations of this " +
               "record's own cell, and no listing tells which cell an instance is in";
    }
}
