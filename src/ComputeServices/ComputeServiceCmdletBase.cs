using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Config;
using ComputeServices.Nova;
using ComputeServices.Session;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Every cmdlet that talks to a backend. Which one is decided by the engine's <see cref="BackendLocator"/>: an
    /// explicit -Connection, -Cloud or -InventoryPath; else the runspace's connection; else $env:COMPUTESERVICES_INVENTORY;
    /// else OS_CLOUD or the OS_* variables; else the per-user inventory. An object acts on the source it was listed from.
    /// Engine calls run through <see cref="EngineCalls"/>: Ctrl+C cancels them, and their messages are written as they come.
    /// </summary>
    public abstract class ComputeServiceCmdletBase : PSCmdlet, IDisposable
    {
        private readonly EngineCalls _engine;
        private BackendLocator? _locator;
        private BackendChoice? _choice;
        private readonly Dictionary<string, IComputeServiceBackend> _bySource = new Dictionary<string, IComputeServiceBackend>(System.StringComparer.Ordinal);

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

        /// <summary>The backend for names and ids (and for objects without a source).</summary>
        internal IComputeServiceBackend Backend => Choice.Backend;

        /// <summary>The engine state of this runspace.</summary>
        internal static SessionContext Session => RunspaceSessions.Current;

        /// <summary>PowerShell's current file-system location (not the process's): relative paths and ./clouds.yaml resolve here.</summary>
        protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

        protected bool HasExplicitBackend => InventoryPath != null || Cloud != null || Connection != null;

        protected ComputeServiceCmdletBase() => _engine = new EngineCalls(this);

        /// <summary>Collects what the engine reports from any thread; written out by the pipeline thread.</summary>
        internal QueuedOperationLog EngineLog => _engine.Log;

        protected CancellationToken CancellationToken => _engine.Token;

        /// <summary>Whether the command was stopped (Ctrl+C) while it ran.</summary>
        protected bool Stopped => _engine.Stopped;

        protected override void StopProcessing() => _engine.Cancel();

        /// <summary>Cancels engine work still running, e.g. concurrent requests, when the command stops.</summary>
        protected void CancelRunningWork() => _engine.Cancel();

        /// <summary>Runs one engine call; Ctrl+C cancels it. Engine messages are written while it runs.</summary>
        protected internal T Run<T>(Func<CancellationToken, Task<T>> call) => _engine.Run(call);

        protected void Run(Func<CancellationToken, Task> call) => _engine.Run(call);

        protected void FlushLog() => _engine.FlushLog();

        /// <summary>Reports an engine failure: terminating when the backend itself is unusable (work in flight stops too), else non-terminating.</summary>
        protected void Report(ComputeServiceException ex, object? target = null)
        {
            var record = ErrorRecords.From(ex, target);
            if (ErrorRecords.IsTerminating(ex))
            {
                CancelRunningWork();
                ThrowTerminatingError(record);
            }
            WriteError(record);
        }

        /// <summary>Reports a failure; if that stops the command (-ErrorAction Stop, or terminating), work already started stops with it.</summary>
        protected void ReportStopping(ComputeServiceException ex, object? target)
        {
            try
            {
                Report(ex, target);
            }
            catch
            {
                CancelRunningWork();
                throw;
            }
        }

        protected override void BeginProcessing()
        {
            var explicitChoices = (InventoryPath != null ? 1 : 0) + (Cloud != null ? 1 : 0) + (Connection != null ? 1 : 0);
            if (explicitChoices > 1)
                ThrowTerminatingError(ErrorRecords.Usage(ErrorIds.ConflictingBackendParameters,
                    "Use only one of -InventoryPath, -Cloud and -Connection.", null));
        }


        /// <summary>PowerShell disposes a cmdlet on every way out of the pipeline (success, error, Ctrl+C): nothing keeps running.</summary>
        public virtual void Dispose()
        {
            // Backends made for this command (not the connections they use): an inventory drops changes it never committed.
            var backends = new HashSet<IComputeServiceBackend>(_bySource.Values);
            if (_choice != null) backends.Add(_choice.Backend);
            foreach (var backend in backends) backend.Dispose();
            _choice = null;
            _bySource.Clear();
            _engine.Dispose();
            GC.SuppressFinalize(this);
        }

        protected string ResolvePath(string path) => GetUnresolvedProviderPathFromPSPath(path);

        private BackendLocator Locator
        {
            get
            {
                if (_locator != null) return _locator;
                EngineLog.IsDebugEnabled = this.IsDebugWanted();   // -Debug body text is built only when it is wanted
                return _locator = new BackendLocator(Session, CloudConfigEnvironment.FromProcess(CurrentDirectory), EngineLog);
            }
        }

        private BackendChoice Choice
        {
            get
            {
                if (_choice != null) return _choice;
                try
                {
                    _choice = Locator.Locate(new BackendRequest
                    {
                        InventoryPath = InventoryPath == null ? null : ResolvePath(InventoryPath),
                        CloudName = Cloud,
                        Connection = Connection,
                    });
                }
                catch (ComputeServiceException ex)
                {
                    FlushLog();
                    ThrowTerminatingError(ErrorRecords.From(ex));
                    throw;
                }
                FlushLog();
                WriteVerbose($"Using {_choice.Reason}: {_choice.Backend.Description}.");
                return _choice;
            }
        }

        /// <summary>
        /// The backend a service (or a row naming one) acts on: the place it was listed from. Throws TargetMismatch when
        /// the command was given a different place, or when this runspace cannot reach that place.
        /// </summary>
        internal IComputeServiceBackend BackendForSource(string? sourceText)
        {
            if (string.IsNullOrWhiteSpace(sourceText)) return Backend;
            if (_bySource.TryGetValue(sourceText!, out var known)) return known;
            var source = ServiceSource.Parse(sourceText, CurrentDirectory)!;
            IComputeServiceBackend backend;
            if (HasExplicitBackend)
            {
                backend = Backend;
                var description = Run(token => backend.DescribeAsync(token));
                var given = ServiceSource.Parse(description, CurrentDirectory);
                if (given == null || !given.SamePlaceAs(source))
                    throw new ComputeServiceException(ErrorIds.TargetMismatch, FailureKind.InvalidOperation,
                        $"The service was listed from {source.Phrase}, but this command was given {given?.Phrase ?? backend.Description}. Nothing was sent.")
                    {
                        RecommendedAction = "Drop -Cloud, -Connection or -InventoryPath to act where the service was listed, or list the service again from the place you mean.",
                    };
            }
            else
            {
                backend = Run(token => Locator.ForSourceAsync(source, token))
                    ?? throw new ComputeServiceException(ErrorIds.TargetMismatch, FailureKind.InvalidOperation,
                        source.IsCloud
                            ? $"The service was listed from {source.Phrase}, and this session has no connection to that endpoint and project. Nothing was sent."
                            : $"The service was listed from {source.Phrase}, which no longer exists. Nothing was written.")
                    {
                        RecommendedAction = source.IsCloud
                            ? "Connect-ComputeService to that cloud (or pass it with -Connection or -Cloud) and run the command again."
                            : "List the services again from the inventory you mean.",
                    };
            }
            _bySource[sourceText!] = backend;
            return backend;
        }

        /// <summary>Notes where a resolved service was found, so acting on it later needs no second look-up.</summary>
        internal void RememberSource(ComputeService service, IComputeServiceBackend backend)
        {
            if (!string.IsNullOrWhiteSpace(service.Source) && !_bySource.ContainsKey(service.Source!)) _bySource[service.Source!] = backend;
        }

        /// <summary>The backend a resolved service acts on (where it was listed).</summary>
        internal IComputeServiceBackend BackendOf(ComputeService service) => BackendForSource(service.Source);

        /// <summary>Where a service lives, in words: "cloud prod (https://…, project admin)" or "inventory /path".</summary>
        protected string PlaceOf(ComputeService service)
            => ServiceSource.Parse(service.Source, CurrentDirectory)?.Phrase ?? Backend.Description;

        /// <summary>Remembers what a backend listed, for tab completion (per runspace, bounded).</summary>
        protected void RememberListing(IComputeServiceBackend backend, IReadOnlyList<ComputeService> services, bool complete)
            => Session.RememberListing(backend.Description, services, complete);
    }
}
