using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Inventory;

namespace ComputeServices.Commands
{
    /// <summary>
    /// What every ComputeServices cmdlet shares: choosing the backend, running engine calls cancellably on the
    /// pipeline thread, relaying the engine's verbose output, and turning failures into ErrorRecords.
    /// </summary>
    public abstract class ComputeServiceCmdletBase : PSCmdlet, IDisposable
    {
        private CancellationTokenSource? _cancellation;
        private IComputeServiceBackend? _backend;
        private bool _ownsBackend;
        private readonly QueuedOperationLog _log = new QueuedOperationLog();

        /// <summary>The local JSON inventory to use instead of a cloud.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? InventoryPath { get; set; }

        protected CancellationToken CancellationToken => (_cancellation ??= new CancellationTokenSource()).Token;

        protected IComputeServiceBackend Backend => _backend ??= OpenBackend();

        protected override void BeginProcessing()
        {
            _cancellation ??= new CancellationTokenSource();
        }

        protected override void StopProcessing() => _cancellation?.Cancel();

        protected override void EndProcessing() => ReleaseBackend();

        public void Dispose()
        {
            ReleaseBackend();
            _cancellation?.Dispose();
            _cancellation = null;
            GC.SuppressFinalize(this);
        }

        /// <summary>Runs one engine call on the pipeline thread; Ctrl+C cancels it.</summary>
        protected T Run<T>(Func<CancellationToken, Task<T>> call)
        {
            try
            {
                return call(CancellationToken).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                FlushLog();
            }
        }

        protected void Run(Func<CancellationToken, Task> call)
            => Run<bool>(async token =>
            {
                await call(token).ConfigureAwait(false);
                return true;
            });

        /// <summary>Reports an engine failure: terminating when the backend itself is unusable, else non-terminating.</summary>
        protected void Report(ComputeServiceException ex, object? target = null)
        {
            var record = ErrorRecords.From(ex, target);
            if (ErrorRecords.IsTerminating(ex)) ThrowTerminatingError(record);
            WriteError(record);
        }

        protected string ResolvePath(string path) => GetUnresolvedProviderPathFromPSPath(path);

        private IComputeServiceBackend OpenBackend()
        {
            // Precedence: an explicit -InventoryPath, then $env:COMPUTESERVICES_INVENTORY, then the per-user default.
            var path = InventoryPath != null ? ResolvePath(InventoryPath)
                : InventoryLocation.FromEnvironment() ?? InventoryLocation.PerUserDefault();
            _ownsBackend = true;
            WriteVerbose($"Using the local inventory '{path}'.");
            return new InventoryBackend(path);
        }

        private void ReleaseBackend()
        {
            if (_ownsBackend) _backend?.Dispose();
            _backend = null;
            _ownsBackend = false;
        }

        private void FlushLog()
        {
            while (_log.TryDequeue(out var level, out var message))
            {
                switch (level)
                {
                    case QueuedOperationLog.Level.Debug: WriteDebug(message); break;
                    case QueuedOperationLog.Level.Warning: WriteWarning(message); break;
                    default: WriteVerbose(message); break;
                }
            }
        }
    }
}
