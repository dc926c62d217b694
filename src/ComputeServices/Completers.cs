using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using ComputeServices.Inventory;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Completion values come only from local sources: the inventory file, or what this session already
    /// listed from a cloud. A completer never blocks on the network.
    /// </summary>
    internal abstract class ServiceValueCompleter : IArgumentCompleter
    {
        protected abstract IEnumerable<string?> ValuesOf(IEnumerable<ComputeService> services);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var word = (wordToComplete ?? "").Trim('\'', '"');
            var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
            return ValuesOf(KnownServices(fakeBoundParameters))
                .Where(v => !string.IsNullOrEmpty(v) && pattern.IsMatch(v))
                .Distinct(StringComparer.Ordinal)
                .OrderBy(v => v, StringComparer.Ordinal)
                .Select(v => new CompletionResult(Quote(v!), v, CompletionResultType.ParameterValue, v))
                .ToList();
        }

        private static IEnumerable<ComputeService> KnownServices(IDictionary bound)
        {
            // The inventory the command itself would use comes first: -InventoryPath, or $env:COMPUTESERVICES_INVENTORY
            // when neither -Cloud/-Connection nor a current connection outranks it; a listing of another place never does.
            var session = ComputeServiceCmdletBase.Session;
            var inventoryFirst = bound.Contains("InventoryPath")
                || (!bound.Contains("Cloud") && !bound.Contains("Connection") && session.Current == null && CompletionSources.InventoryVariableSet());
            if (!inventoryFirst)
            {
                var remembered = CompletionSources.ListedSources(bound).SelectMany(session.ListingOf).ToList();
                if (remembered.Count > 0) return remembered;
            }
            var path = CompletionSources.InventoryPath(bound);
            if (path == null) return Array.Empty<ComputeService>();
            try
            {
                using (var backend = new InventoryBackend(path))
                    return backend.ListAsync(ServiceQuery.All, default).GetAwaiter().GetResult();
            }
            catch (ComputeServiceException)
            {
                return Array.Empty<ComputeService>();
            }
        }

        private static string Quote(string value)
            => value.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', ',', ';', '(', ')', '{', '}' }) >= 0
                ? "'" + value.Replace("'", "''") + "'"
                : value;
    }

    internal sealed class HostNameCompleter : ServiceValueCompleter
    {
        protected override IEnumerable<string?> ValuesOf(IEnumerable<ComputeService> services) => services.Select(s => (string?)s.Host);
    }

    internal sealed class BinaryCompleter : ServiceValueCompleter
    {
        protected override IEnumerable<string?> ValuesOf(IEnumerable<ComputeService> services)
            => services.Select(s => (string?)s.Binary).Concat(new[] { ServiceBinaries.Compute, "nova-scheduler", "nova-conductor" });
    }

    internal sealed class ZoneCompleter : ServiceValueCompleter
    {
        protected override IEnumerable<string?> ValuesOf(IEnumerable<ComputeService> services) => services.Select(s => s.Zone);
    }
}

namespace ComputeServices.Commands
{
    /// <summary>Cloud names from clouds.yaml / secure.yaml: a file read, never a network call.</summary>
    internal sealed class CloudNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = WildcardPattern.Get((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return CompletionSources.CloudConfig().ListCloudNames()
                .Where(n => pattern.IsMatch(n))
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n))
                .ToList();
        }
    }
}
