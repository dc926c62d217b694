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
            public readonly Dictionary<string, Nova.NovaConnection> ByKey = new Dictionary<string, Nova.NovaConnection>(System.StringComparer.Ordinal);
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

        /// <summary>
        /// The runspace's connection for a cloud or the environment, made once and reused, so a session
        /// authenticates once and later cmdlets cost one round trip.
        /// </summary>
        public static Nova.NovaConnection ForSettings(string key, System.Func<Nova.NovaConnectionSettings> settings)
        {
            var runspace = Runspace.DefaultRunspace;
            if (runspace == null) return Nova.NovaConnection.Create(settings());
            var holder = ByRunspace.GetOrCreateValue(runspace);
            lock (holder)
            {
                if (!holder.ByKey.TryGetValue(key, out var connection))
                    holder.ByKey[key] = connection = Nova.NovaConnection.Create(settings());
                return connection;
            }
        }

        /// <summary>
        /// Forgets the runspace's connections (Disconnect-ComputeService, or a new Connect). The current one is not
        /// disposed: a caller may still hold it from Connect-ComputeService -PassThru and pass it to -Connection.
        /// </summary>
        public static void Clear()
        {
            var runspace = Runspace.DefaultRunspace;
            if (runspace == null || !ByRunspace.TryGetValue(runspace, out var holder)) return;
            lock (holder)
            {
                foreach (var c in holder.ByKey.Values) c.Dispose();
                holder.ByKey.Clear();
                holder.Current = null;
            }
        }

        /// <summary>Remembers a backend description so completers can find what was listed from it.</summary>
        public static void Remember(string description) => Descriptions[description] = true;

        public static IEnumerable<string> KnownDescriptions() => Descriptions.Keys;
    }
}
