using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace ComputeServices.Commands
{
    /// <summary>
    /// The services each backend last listed in this process, so tab completion for a cloud can offer
    /// host names without ever making a network call.
    /// </summary>
    internal static class LastListing
    {
        private static readonly ConcurrentDictionary<string, IReadOnlyList<ComputeService>> Listings =
            new ConcurrentDictionary<string, IReadOnlyList<ComputeService>>(StringComparer.Ordinal);

        public static void Remember(string backend, IReadOnlyList<ComputeService> services)
        {
            if (services.Count == 0) return;
            Listings.AddOrUpdate(backend, services, (_, old) => old.Concat(services)
                .GroupBy(s => s.Binary + "@" + s.Host).Select(g => g.Last()).ToList());
        }

        public static IReadOnlyList<ComputeService> For(string backend)
            => Listings.TryGetValue(backend, out var services) ? services : Array.Empty<ComputeService>();
    }
}
