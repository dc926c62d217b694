using System;
using System.Collections.Generic;
using System.Linq;
using ComputeServices.Nova;

namespace ComputeServices.Session
{
    /// <summary>
    /// What one PowerShell runspace remembers between commands: the current connection (or the failed attempt that
    /// replaced it), the connections made for clouds and the environment (by <see cref="ConnectionKey"/>), the
    /// warnings already given, and the last listing of each source for tab completion. Thread-safe; bounded.
    /// </summary>
    public sealed class SessionContext
    {
        internal const int MaxCachedConnections = 16;
        internal const int MaxListedSources = 8;
        internal const int MaxListedServicesPerSource = 20000;

        private readonly object _lock = new object();
        private readonly Dictionary<string, NovaConnection> _byKey = new Dictionary<string, NovaConnection>(StringComparer.Ordinal);
        private readonly LinkedList<string> _keyOrder = new LinkedList<string>();
        private readonly List<WeakReference<NovaConnection>> _used = new List<WeakReference<NovaConnection>>();
        private readonly HashSet<string> _warned = new HashSet<string>(StringComparer.Ordinal);
        private readonly Dictionary<string, IReadOnlyList<ComputeService>> _listings = new Dictionary<string, IReadOnlyList<ComputeService>>(StringComparer.Ordinal);
        private readonly LinkedList<string> _listingOrder = new LinkedList<string>();
        private NovaConnection? _current;
        private string? _failedConnect;

        /// <summary>The connection from the last successful Connect-ComputeService, or null.</summary>
        public NovaConnection? Current
        {
            get { lock (_lock) return _current; }
        }

        /// <summary>What the last Connect-ComputeService tried, when it failed; until a good Connect or a Disconnect, commands that would use the current connection fail.</summary>
        public string? FailedConnect
        {
            get { lock (_lock) return _failedConnect; }
        }

        /// <summary>A successful Connect: the previous current connection is closed (unless a caller still holds it from -PassThru: it stays usable).</summary>
        public void Connected(NovaConnection connection)
        {
            lock (_lock)
            {
                _current = connection ?? throw new ArgumentNullException(nameof(connection));
                _failedConnect = null;
                Track(connection);
            }
        }

        /// <summary>A failed Connect: the runspace has no usable current connection until the next good Connect or a Disconnect.</summary>
        public void ConnectFailed(string attempt, string reason)
        {
            lock (_lock)
            {
                _current = null;
                _failedConnect = $"{attempt}: {reason}";
            }
        }

        /// <summary>Disconnect: forgets the current connection, the failed attempt and every cached connection.</summary>
        public void Clear()
        {
            List<NovaConnection> cached;
            lock (_lock)
            {
                cached = _byKey.Values.ToList();
                _byKey.Clear();
                _keyOrder.Clear();
                _used.Clear();
                _current = null;
                _failedConnect = null;
            }
            foreach (var c in cached) c.Dispose();
        }

        /// <summary>The runspace's connection for these settings, made once and reused while the key (identity, place, files) is the same.</summary>
        public NovaConnection ForKey(string key, Func<NovaConnectionSettings> settings)
        {
            NovaConnection? evicted = null;
            NovaConnection connection;
            lock (_lock)
            {
                if (_byKey.TryGetValue(key, out var existing))
                {
                    _keyOrder.Remove(key);
                    _keyOrder.AddLast(key);
                    return existing;
                }
                connection = NovaConnection.Create(settings());
                _byKey[key] = connection;
                _keyOrder.AddLast(key);
                Track(connection);
                if (_keyOrder.Count > MaxCachedConnections)
                {
                    var oldest = _keyOrder.First!.Value;
                    _keyOrder.RemoveFirst();
                    evicted = _byKey[oldest];
                    _byKey.Remove(oldest);
                }
            }
            evicted?.Dispose();
            return connection;
        }

        /// <summary>Remembers a connection that a command used (e.g. from -Connection), so objects it listed can find it again.</summary>
        public void Track(NovaConnection connection)
        {
            lock (_lock)
            {
                _used.RemoveAll(w => !w.TryGetTarget(out var c) || c.IsDisposed || ReferenceEquals(c, connection));
                _used.Add(new WeakReference<NovaConnection>(connection));
                if (_used.Count > MaxCachedConnections * 2) _used.RemoveAt(0);
            }
        }

        /// <summary>Every live connection of this runspace: the current one first.</summary>
        public IReadOnlyList<NovaConnection> Connections()
        {
            lock (_lock)
            {
                var list = new List<NovaConnection>();
                if (_current != null && !_current.IsDisposed) list.Add(_current);
                foreach (var weak in _used)
                    if (weak.TryGetTarget(out var c) && !c.IsDisposed && !list.Contains(c)) list.Add(c);
                return list;
            }
        }

        /// <summary>True the first time a warning with this key is asked for in this runspace.</summary>
        public bool WarnOnce(string key)
        {
            lock (_lock) return _warned.Add(key);
        }

        /// <summary>
        /// Keeps what a source listed, for completion; bounded in sources and services. A full listing replaces what was
        /// kept (cheap: no copy); a filtered one is merged in.
        /// </summary>
        public void RememberListing(string source, IReadOnlyList<ComputeService> services, bool complete = false)
        {
            if (services == null || services.Count == 0) return;
            lock (_lock)
            {
                var merged = complete || !_listings.TryGetValue(source, out var old)
                    ? services
                    : (IReadOnlyList<ComputeService>)old.Concat(services).GroupBy(s => s.Binary + "@" + s.Host).Select(g => g.Last()).ToList();
                if (merged.Count > MaxListedServicesPerSource) merged = merged.Skip(merged.Count - MaxListedServicesPerSource).ToList();
                _listings[source] = merged;
                _listingOrder.Remove(source);
                _listingOrder.AddLast(source);
                while (_listingOrder.Count > MaxListedSources)
                {
                    _listings.Remove(_listingOrder.First!.Value);
                    _listingOrder.RemoveFirst();
                }
            }
        }

        public IReadOnlyList<ComputeService> ListingOf(string source)
        {
            lock (_lock) return _listings.TryGetValue(source, out var list) ? list : Array.Empty<ComputeService>();
        }

        public IReadOnlyList<string> ListedSources()
        {
            lock (_lock) return _listingOrder.Reverse().ToList();
        }
    }
}
