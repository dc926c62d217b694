using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace ComputeServices.Commands
{
    /// <summary>
    /// The default connection of each runspace (set by Connect-ComputeService). Per runspace, not per process,
    /// so ThreadJobs and ForEach-Object -Parallel each keep their own.
    /// </summary>
    internal static class SessionConnections
    {
        private sealed class Holder
        {
            public object? Current;
        }

        private static readonly ConditionalWeakTable<Runspace, Holder> ByRunspace = new ConditionalWeakTable<Runspace, Holder>();
        private static readonly ConcurrentDictionary<string, bool> Descriptions = new ConcurrentDictionary<string, bool>();

        public static object? Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                return runspace != null && ByRunspace.TryGetValue(runspace, out var holder) ? holder.Current : null;
            }
            set
            {
                var runspace = Runspace.DefaultRunspace;
                if (runspace == null) return;
                ByRunspace.GetOrCreateValue(runspace).Current = value;
            }
        }

        /// <summary>Remembers a backend description so completers can find what was listed from it.</summary>
        public static void Remember(string description) => Descriptions[description] = true;

        public static IEnumerable<string> KnownDescriptions() => Descriptions.Keys;
    }
}
