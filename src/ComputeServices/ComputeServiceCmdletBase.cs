using System.Management.Automation;
using ComputeServices.Config;
using ComputeServices.Inventory;
using ComputeServices.Nova;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Every cmdlet that talks to a backend. It is chosen in one place, in this order: -Connection, -Cloud or
    /// -InventoryPath; else the runspace's connection from Connect-ComputeService; else
    /// $env:COMPUTESERVICES_INVENTORY; else OS_CLOUD or the OS_* variables; else the per-user inventory.
    /// </summary>
    public abstract class ComputeServiceCmdletBase : CancellableCmdlet
    {
        private IComputeServiceBackend? _backend;

        /// <summary>The local JSON inventory to use instead of a cloud.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? InventoryPath { get; set; }

        /// <summary>A cloud of clouds.yaml to use for this command.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(CloudNameCompleter))]
        public string? Cloud { get; set; }

        /// <summary>A connection from Connect-ComputeService -PassThru to use for this command.</summary>
        [Parameter]
        [ValidateNotNull]
        public NovaConnection? Connection { get; set; }

        protected IComputeServiceBackend Backend => _backend ??= OpenBackend();

        protected override void BeginProcessing()
        {
            var explicitChoices = (InventoryPath != null ? 1 : 0) + (Cloud != null ? 1 : 0) + (Connection != null ? 1 : 0);
            if (explicitChoices > 1)
                ThrowTerminatingError(ErrorRecords.Usage(ErrorIds.ConflictingBackendParameters,
                    "Use only one of -InventoryPath, -Cloud and -Connection.", null));
        }

        protected override void EndProcessing() => _backend = null;

        public override void Dispose()
        {
            _backend = null;
            base.Dispose();
        }

        protected string ResolvePath(string path) => GetUnresolvedProviderPathFromPSPath(path);

        private IComputeServiceBackend OpenBackend()
        {
            try
            {
                var backend = ChooseBackend();
                SessionConnections.Remember(backend.Description);
                return backend;
            }
            catch (ComputeServiceException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
                throw;
            }
        }

        private IComputeServiceBackend ChooseBackend()
        {
            if (Connection != null) return Remote(Connection, "the connection given with -Connection");
            if (Cloud != null) return Remote(SessionConnections.ForSettings("cloud:" + Cloud, () => new CloudConfigLoader().LoadCloud(Cloud)), $"cloud '{Cloud}'");
            if (InventoryPath != null) return Local(ResolvePath(InventoryPath));
            if (SessionConnections.Current is NovaConnection current) return Remote(current, "the current connection (Connect-ComputeService)");
            var fromEnvironment = InventoryLocation.FromEnvironment();
            if (fromEnvironment != null) return Local(fromEnvironment);

            var loader = new CloudConfigLoader();
            var osCloud = loader.Environment.Get("OS_CLOUD");
            if (osCloud != null)
                return Remote(SessionConnections.ForSettings("cloud:" + osCloud, () => loader.LoadCloud(osCloud)), $"OS_CLOUD '{osCloud}'");
            var settings = loader.LoadFromEnvironment();
            if (settings != null)
                return Remote(SessionConnections.ForSettings("envvars:" + settings.AuthUrl + settings.Endpoint, () => settings), "the OS_* environment variables");
            return Local(InventoryLocation.PerUserDefault());
        }

        private IComputeServiceBackend Remote(NovaConnection connection, string why)
        {
            WriteVerbose($"Using {why}: {connection}.");
            EngineLog.IsDebugEnabled = this.IsDebugWanted();
            return new NovaBackend(connection, EngineLog);
        }

        private IComputeServiceBackend Local(string path)
        {
            WriteVerbose($"Using the local inventory '{path}'.");
            return new InventoryBackend(path);
        }
    }
}
