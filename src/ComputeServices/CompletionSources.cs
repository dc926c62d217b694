using System.Collections;
using System.Collections.Generic;
using System.IO;
using ComputeServices.Config;
using ComputeServices.Session;

namespace ComputeServices.Commands
{
    /// <summary>Works out, from the parameters typed so far, which backend a completion is for.</summary>
    internal static class CompletionSources
    {
        public static string? InventoryPath(IDictionary bound)
        {
            var environment = CloudConfigEnvironment.FromProcess();
            var path = bound.Contains("InventoryPath") ? bound["InventoryPath"] as string : null;
            path ??= environment.Get(BackendLocator.InventoryVariable) ?? BackendLocator.PerUserInventory(environment);
            return File.Exists(path) ? path : null;
        }

        /// <summary>The sources this runspace listed, newest first (never another runspace's, never the network).</summary>
        public static IEnumerable<string> ListedSources(IDictionary bound)
        {
            if (bound.Contains("InventoryPath")) yield break;
            var listed = ComputeServiceCmdletBase.Session.ListedSources();
            var cloud = bound.Contains("Cloud") ? bound["Cloud"] as string : null;
            if (cloud != null)
            {
                foreach (var source in listed)
                    if (source.StartsWith(cloud + " (", System.StringComparison.Ordinal)) yield return source;
                yield break;
            }
            // Without -Cloud: the place listed last, never a mix of clouds.
            foreach (var source in listed)
            {
                yield return source;
                yield break;
            }
        }
    }
}
