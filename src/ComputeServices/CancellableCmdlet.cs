using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Runs engine calls on the pipeline thread so that Ctrl+C cancels them, relays the engine's verbose, debug
    /// and warning messages, and turns engine failures into ErrorRecords.
    /// </summary>
    public abstract class CancellableCmdlet : PSCmdlet, IDisposable
    {
        private CancellationTokenSource? _cancellation;

        /// <summary>Collects what the engine reports from any thread; drained after every call.</summary>
        internal QueuedOperationLog EngineLog { get; } = new QueuedOperationLog();

        protected CancellationToken CancellationToken => (_cancellation ??= new CancellationTokenSource()).Token;

        protected override void StopProcessing() => _cancellation?.Cancel();

        /// <summary>Cancels engine work still running, e.g. concurrent requests, when the command stops on an error.</summary>
        protected void CancelRunningWork() => _cancellation?.Cancel();

        public virtual void Dispose()
        {
            _cancellation?.Dispose();
            _cancellation = null;
            GC.SuppressFinalize(this);
        }

        /// <summary>Runs one engine call; Ctrl+C cancels it.</summary>
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

        protected void FlushLog()
        {
            while (EngineLog.TryDequeue(out var level, out var message))
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
