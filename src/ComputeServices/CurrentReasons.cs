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

        /// <summary>
        /// The very record the change will act on, as the batch's listing shows it (Rules.RecordMatching); the given one when
        /// it is not listed (the update then reports it); null when which record cannot be told (then refuse).
        /// </summary>
        public ComputeService? Current(ComputeService service, Func<IReadOnlyList<ComputeService>> list)
        {
            _listing ??= list();
            var found = Rules.RecordMatching.SameRecord(_listing, service, out var ambiguous);
            return ambiguous ? null : found ?? service;
        }
    }
}
