using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Config;
using ComputeServices.Inventory;
using ComputeServices.Nova;

namespace ComputeServices.Session
{
    /// <summary>What a command asked for explicitly: at most one of these.</summary>
    public sealed class BackendRequest
    {
        /// <summary>An inventory path, already resolved against the caller's current location.</summary>
        public string? InventoryPath { get; set; }
        public string? CloudName { get; set; }
        public NovaConnection? Connection { get; set; }
        public bool IsExplicit => InventoryPath != null || CloudName != null || Connection != null;
    }

    /// <summary>The backend a command uses, and in words why that one.</summary>
    public sealed class BackendChoice
    {
        public BackendChoice(IComputeServiceBackend backend, string reason, bool isExplicit)
        {
            Backend = backend;
            Reason = reason;
            IsExplicit = isExplicit;
        }

        public IComputeServiceBackend Backend { get; }
        public string Reason { get; }
        public bool IsExplicit { get; }
    }

    /// <summary>
    /// The one place that decides where a command acts. For names and ids: an explicit <c>-Connection</c>, <c>-Cloud</c>
    /// or <c>-InventoryPath</c>; else the runspace's current connection (a failed Connect-ComputeService leaves none, and
    /// commands fail with NotConnected until the next good Connect or a Disconnect); else <c>$env:COMPUTESERVICES_INVENTORY</c>;
    /// else <c>OS_CLOUD</c>; else the <c>OS_*</c> variables; else the per-user inventory when it exists. For an object, the
    /// source it was listed from (<see cref="ForSourceAsync"/>). Sources that are configured but lose are named in a warning
    /// (once per runspace), so nothing wins silently.
    /// </summary>
    public sealed class BackendLocator
    {
        public const string InventoryVariable = "COMPUTESERVICES_INVENTORY";

        private readonly SessionContext _session;
        private readonly CloudConfigEnvironment _environment;
        private readonly IOperationLog _log;
        private readonly string _perUserInventory;

        public BackendLocator(SessionContext session, CloudConfigEnvironment environment, IOperationLog log, string? perUserInventory = null)
        {
            _session = session ?? throw new ArgumentNullException(nameof(session));
            _environment = environment ?? throw new ArgumentNullException(nameof(environment));
            _log = log ?? NullOperationLog.Instance;
            _perUserInventory = perUserInventory ?? PerUserInventory(environment);
        }

        public BackendChoice Locate(BackendRequest request)
        {
            request ??= new BackendRequest();
            if (request.Connection != null)
            {
                _session.Track(request.Connection);
                return new BackendChoice(Remote(request.Connection), "the connection given with -Connection", true);
            }
            if (request.CloudName != null) return new BackendChoice(Remote(Cloud(request.CloudName)), $"cloud '{request.CloudName}' (-Cloud)", true);
            if (request.InventoryPath != null) return new BackendChoice(Local(request.InventoryPath), "the local inventory given with -InventoryPath", true);

            var failed = _session.FailedConnect;
            if (failed != null)
                throw new ComputeServiceException(ErrorIds.NotConnected, FailureKind.InvalidOperation,
                    $"Not connected: the last Connect-ComputeService failed ({failed}). Commands do not fall back to an earlier connection, OS_* variables or an inventory.")
                {
                    RecommendedAction = "Run Connect-ComputeService again (successfully), or Disconnect-ComputeService to go back to the default sources; -Cloud, -Connection and -InventoryPath still work.",
                };

            var inventoryVariable = InventoryFromEnvironment();
            var current = _session.Current;
            if (current != null)
            {
                if (inventoryVariable != null)
                    WarnOnce("shadow-inventory:" + inventoryVariable,
                        $"Using the current connection from Connect-ComputeService; ${InventoryVariable} ('{inventoryVariable}') is ignored while connected (Disconnect-ComputeService to use it).");
                return new BackendChoice(Remote(current), "the current connection (Connect-ComputeService)", false);
            }

            var osCloud = _environment.Get("OS_CLOUD");
            var loader = new CloudConfigLoader(_environment);
            var fromEnvironment = loader.LoadFromEnvironment();

            if (inventoryVariable != null)
            {
                if (osCloud != null || fromEnvironment != null)
                    WarnOnce("shadow-os:" + inventoryVariable,
                        $"Using the inventory in ${InventoryVariable} ('{inventoryVariable}'); " +
                        (osCloud != null ? $"OS_CLOUD ('{osCloud}')" : "the OS_* variables") + " are ignored while it is set.");
                return new BackendChoice(Local(inventoryVariable), $"the local inventory in ${InventoryVariable}", false);
            }

            if (osCloud != null)
            {
                // openstacksdk's loader: OS_CLOUD names a clouds.yaml cloud; the OS_* variables form a separate cloud
                // ("envvars") that is the default only when OS_CLOUD is not set. They are never merged.
                if (fromEnvironment != null)
                    WarnOnce("shadow-envvars:" + osCloud,
                        $"Using OS_CLOUD '{osCloud}'; the OS_AUTH_URL/OS_USERNAME/... variables are ignored while OS_CLOUD is set, as in openstacksdk (unset OS_CLOUD to use them).");
                return new BackendChoice(Remote(Cloud(osCloud)), $"OS_CLOUD '{osCloud}'", false);
            }

            if (fromEnvironment != null)
            {
                var key = "envvars\n" + ConnectionKey.For(fromEnvironment);
                return new BackendChoice(Remote(_session.ForKey(key, () => fromEnvironment)), "the OS_* environment variables", false);
            }

            if (File.Exists(_perUserInventory))
                return new BackendChoice(Local(_perUserInventory), "the per-user local inventory (nothing else is configured)", false);
            throw FirstContact(loader);
        }

        /// <summary>
        /// The backend of the place an object was listed from, among this runspace's inventories and connections;
        /// null when this runspace cannot reach it (a file that is gone, a cloud it is not connected to).
        /// </summary>
        public async Task<IComputeServiceBackend?> ForSourceAsync(ServiceSource source, CancellationToken cancellationToken)
        {
            if (source == null) throw new ArgumentNullException(nameof(source));
            if (!source.IsCloud)
                return source.Path != null && File.Exists(source.Path) ? Local(source.Path) : null;
            foreach (var connection in _session.Connections())
            {
                if (!connection.IsConnected)
                {
                    try
                    {
                        await connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (ComputeServiceException)
                    {
                        continue;
                    }
                }
                var backend = Remote(connection);
                var candidate = ServiceSource.Parse(backend.Description, _environment.CurrentDirectory);
                if (candidate != null && candidate.SamePlaceAs(source)) return backend;
            }
            return null;
        }

        private NovaConnection Cloud(string name)
        {
            var settings = LoadCloudSettings(name, out var key);
            return _session.ForKey(key, () => settings);
        }

        /// <summary>A clouds.yaml cloud's settings (warning once when the file is the current directory's), and its cache key.</summary>
        public NovaConnectionSettings LoadCloudSettings(string name, out string key)
        {
            var loader = new CloudConfigLoader(_environment);
            var file = loader.ConfigFile;
            var secure = loader.SecureFile;
            WarnIfFromCurrentDirectory(loader, file, secure);
            var settings = loader.LoadCloud(name);
            key = "cloud:" + name + "\n" + ConnectionKey.For(settings, file, secure);
            return settings;
        }

        private void WarnIfFromCurrentDirectory(CloudConfigLoader loader, string? file, string? secure)
        {
            if (file == null || _environment.Get("OS_CLIENT_CONFIG_FILE") != null) return;
            var folder = Path.GetDirectoryName(Path.GetFullPath(file));
            if (!string.Equals(folder, Path.GetFullPath(_environment.CurrentDirectory).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal)) return;
            var shadowed = loader.SearchedFiles.Skip(1).Where(f => !string.Equals(f, file, StringComparison.Ordinal))
                .FirstOrDefault(f => SafeExists(f) && !string.Equals(Path.GetDirectoryName(Path.GetFullPath(f)), folder, StringComparison.Ordinal));
            var message = $"Using clouds.yaml from the current directory: {file}"
                + (shadowed != null ? $" (it shadows {shadowed})" : "")
                + (secure != null ? $"; secure.yaml {secure} is merged into it, so its secrets go to the auth URLs in {file}" : "") + ".";
            WarnOnce("cwd-clouds:" + file, message);
        }

        private ComputeServiceException FirstContact(CloudConfigLoader loader)
        {
            var clouds = loader.ListCloudNames();
            var cloudsText = clouds.Count == 0
                ? "No clouds.yaml was found."
                : $"Clouds in {loader.ConfigFile}: {string.Join(", ", clouds)}.";
            return new ComputeServiceException(ErrorIds.NotConnected, FailureKind.InvalidOperation,
                "No compute services to manage yet: not connected to a cloud, and no inventory is configured " +
                $"(the per-user inventory {_perUserInventory} does not exist). {cloudsText}")
            {
                Target = _perUserInventory,
                RecommendedAction = "Connect to a cloud: Connect-ComputeService -Cloud <name> (or set OS_CLOUD, or source an openrc); " +
                                    "or work offline: New-ComputeServiceInventory [-Sample] creates the per-user inventory.",
            };
        }

        private string? InventoryFromEnvironment()
        {
            var value = _environment.Get(InventoryVariable);
            if (string.IsNullOrWhiteSpace(value)) return null;
            try
            {
                return Path.GetFullPath(Path.IsPathRooted(value) ? value : Path.Combine(_environment.CurrentDirectory, value));
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                return value;
            }
        }

        private void WarnOnce(string key, string message)
        {
            if (_session.WarnOnce(key)) _log.Warning(message);
        }

        private IComputeServiceBackend Remote(NovaConnection connection)
        {
            // The log goes with this command's backend, never onto the shared connection.
            return new NovaBackend(connection, _log);
        }

        private static IComputeServiceBackend Local(string path) => new InventoryBackend(path);

        private static bool SafeExists(string path)
        {
            try
            {
                return File.Exists(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return false;
            }
        }

        /// <summary>%LOCALAPPDATA%\ComputeServices\inventory.json on Windows; $XDG_DATA_HOME (or ~/.local/share)/ComputeServices/inventory.json elsewhere.</summary>
        public static string PerUserInventory(CloudConfigEnvironment environment)
        {
            string root;
            if (environment.Platform == ConfigPlatform.Windows)
                root = environment.Get("LOCALAPPDATA") ?? Path.Combine(environment.HomeDirectory, "AppData", "Local");
            else
                root = environment.Get("XDG_DATA_HOME") ?? Path.Combine(environment.HomeDirectory, ".local", "share");
            return Path.Combine(root, "ComputeServices", "inventory.json");
        }
    }
}
