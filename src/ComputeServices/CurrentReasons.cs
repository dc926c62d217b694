using System;
using System.Collections.Generic;
using System.Linq;

namespace ComputeServices.Commands
{
    /// <summary>
    /// The services' current disabled reasons, read with one listing per batch (one pipeline record) right before
    /// the ownership decision, for Disable-ComputeService -Owner and Enable-ComputeService -IfOwner.
    /// </summary>
    internal sealed class CurrentReasons
    {
        private IReadOnlyList<ComputeService>? _listing;

        public void StartBatch() => _listing = null;

        /// <summary>The service as the batch's listing shows it; the given one when it is not listed (the update then reports it).</summary>
        public ComputeService Current(ComputeService service, Func<IReadOnlyList<ComputeService>> list)
        {
            _listing ??= list();
            var found = string.IsNullOrEmpty(service.Id)
                ? _listing.FirstOrDefault(s => s.Host == service.Host && s.Binary == service.Binary)
                : _listing.FirstOrDefault(s => s.Id != null && SameId(s.Id, service.Id!));
            return found ?? service;
        }

        private static bool SameId(string a, string b)
            => Guid.TryParse(a, out var x) && Guid.TryParse(b, out var y) ? x == y : string.Equals(a, b, StringComparison.Ordinal);
    }
}
