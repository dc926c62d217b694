using System.Collections;
using System.Collections.Generic;
using System.IO;

namespace ComputeServices.Commands
{
    /// <summary>Works out, from the parameters typed so far, which backend a completion is for.</summary>
    internal static class CompletionSources
    {
        public static string? InventoryPath(IDictionary bound)
        {
            var path = bound.Contains("InventoryPath") ? bound["InventoryPath"] as string : null;
            path ??= InventoryLocation.FromEnvironment() ?? InventoryLocation.PerUserDefault();
            return File.Exists(path) ? path : null;
        }

        public static IEnumerable<string> RemoteDescriptions(IDictionary bound)
        {
            if (bound.Contains("InventoryPath")) yield break;
            foreach (var description in SessionConnections.KnownDescriptions()) yield return description;
        }
    }
}
