using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Rules;

namespace ComputeServices.Session
{
    /// <summary>
    /// Finds the services a command was given by name or id, from one listing of the backend per command: the first
    /// host name is asked of the backend alone when the command may be about one service (one small request), otherwise
    /// everything is listed once, and later names and ids are looked up in that listing. A name or id the listing does not have (it may be
    /// new, or a legacy integer id) is asked of the backend itself, once per such item. Not thread-safe: the pipeline
    /// thread resolves, concurrent work only runs what was resolved.
    /// </summary>
    public sealed class ServiceResolver
    {
        private readonly IComputeServiceBackend _backend;
        private IReadOnlyList<ComputeService>? _listing;
        private bool _askedOne;

        /// <param name="backend">Where the names live.</param>
        /// <param name="mayBeOne">False when the command already knows it has many names (a list, piped input): then even
        /// the first comes from the listing.</param>
        public ServiceResolver(IComputeServiceBackend backend, bool mayBeOne = true)
        {
            _backend = backend ?? throw new ArgumentNullException(nameof(backend));
            _askedOne = !mayBeOne;
        }

        /// <summary>How many full listings this resolver made (for the benchmark's request counts).</summary>
        public int Listings { get; private set; }

        /// <summary>
        /// The services a reference names: exactly one for an id or a literal host (else ServiceNotFound, AmbiguousService or
        /// InvalidServiceId), any number for a host pattern (none is not an error, as with Get-ComputeService).
        /// </summary>
        public async Task<IReadOnlyList<ComputeService>> ResolveAsync(ServiceRef reference, CancellationToken cancellationToken)
        {
            if (reference == null) throw new ArgumentNullException(nameof(reference));
            var isPattern = !reference.IsById && ServiceIdentity.IsPattern(reference.Host);
            // Nova has no GET by id: an id alone would cost a full listing anyway.
            if (!_askedOne && !isPattern && !reference.IsById)
            {
                _askedOne = true;
                return new[] { await _backend.ResolveAsync(reference, cancellationToken).ConfigureAwait(false) };
            }
            var listing = await ListingAsync(cancellationToken).ConfigureAwait(false);
            if (isPattern)
                return listing
                    .Where(s => string.Equals(s.Binary, reference.Binary, StringComparison.Ordinal) && ServiceIdentity.Matches(reference.Host!, s.Host))
                    .OrderBy(s => s.Host, StringComparer.Ordinal)
                    .ToList();

            var matches = listing.Where(s => ServiceIdentity.Names(reference, s)).ToList();
            if (matches.Count == 1) return matches;
            // Not (or not uniquely) in the listing: the backend decides, with Nova's own checks and messages.
            var resolved = await _backend.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
            return new[] { resolved };
        }

        private async Task<IReadOnlyList<ComputeService>> ListingAsync(CancellationToken cancellationToken)
        {
            if (_listing != null) return _listing;
            _listing = await _backend.ListAsync(ServiceQuery.All, cancellationToken).ConfigureAwait(false);
            Listings++;
            return _listing;
        }
    }
}
