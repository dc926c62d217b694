using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ComputeServices.Config;
using ComputeServices.Session;

namespace ComputeServices.Commands
{
    /// <summary>Works out, from the parameters typed so far, which backend a completion is for.</summary>
    internal static class CompletionSources
    {
        /// <summary>
        /// The inventory the command would use, resolved as the cmdlets resolve it: a relative -InventoryPath (or
        /// $env:COMPUTESERVICES_INVENTORY) against PowerShell's current location, not the process's.
        /// </summary>
        public static string? InventoryPath(IDictionary bound)
        {
            var location = PowerShellLocation();
            var environment = location != null ? CloudConfigEnvironment.FromProcess(location) : CloudConfigEnvironment.FromProcess();
            string? path;
            if (bound.Contains("InventoryPath") && bound["InventoryPath"] is string given) path = ResolvePsPath(given);
            else
            {
                path = environment.Get(BackendLocator.InventoryVariable);
                if (!string.IsNullOrWhiteSpace(path) && !Path.IsPathRooted(path) && location != null) path = Path.Combine(location, path);
                if (string.IsNullOrWhiteSpace(path)) path = BackendLocator.PerUserInventory(environment);
            }
            return path != null && File.Exists(path) ? path : null;
        }

        /// <summary>Whether $env:COMPUTESERVICES_INVENTORY names an inventory (which then outranks OS_* for the cmdlets).</summary>
        public static bool InventoryVariableSet()
            => !string.IsNullOrWhiteSpace(CloudConfigEnvironment.FromProcess().Get(BackendLocator.InventoryVariable));

        /// <summary>clouds.yaml as the cmdlets find it, ./clouds.yaml included, from PowerShell's current location.</summary>
        public static CloudConfigLoader CloudConfig()
        {
            var location = PowerShellLocation();
            return new CloudConfigLoader(location != null ? CloudConfigEnvironment.FromProcess(location) : CloudConfigEnvironment.FromProcess());
        }

        /// <summary>PowerShell's current file-system location in the runspace that asks for completion; null outside one.</summary>
        private static string? PowerShellLocation()
            => InCurrentRunspace<string>("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath");

        /// <summary>A PowerShell path (relative, ~, a drive) as the file-system path the cmdlets' GetUnresolvedProviderPathFromPSPath gives.</summary>
        private static string? ResolvePsPath(string path)
            => InCurrentRunspace<string>("param($p) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p)", path) ?? path;

        private static T? InCurrentRunspace<T>(string script, params object[] arguments) where T : class
        {
            if (System.Management.Automation.Runspaces.Runspace.DefaultRunspace == null) return null;
            try
            {
                using (var ps = PowerShell.Create(RunspaceMode.CurrentRunspace))
                {
                    ps.AddScript(script);
                    foreach (var argument in arguments) ps.AddArgument(argument);
                    return ps.Invoke().Select(o => o?.BaseObject).OfType<T>().FirstOrDefault();
                }
            }
            catch (Exception ex) when (ex is RuntimeException || ex is InvalidOperationException)
            {
                return null;   // a completer never fails the prompt: an unresolvable path completes nothing
            }
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
