using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Runs engine calls on the pipeline thread so that Ctrl+C cancels them, writes the engine's verbose, debug and
    /// warning messages while a call is still running (a retry wait is visible as it happens), and turns engine
    /// failures into ErrorRecords.
    /// </summary>
    public abstract class CancellableCmdlet : PSCmdlet, IDisposable
    {
        // Made up front: a Ctrl+C that comes before the first engine call must still cancel it.
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private bool _disposed;

        /// <summary>Collects what the engine reports from any thread; written out by the pipeline thread.</summary>
        internal QueuedOperationLog EngineLog { get; } = new QueuedOperationLog();

        protected CancellationToken CancellationToken => _cancellation.Token;

        protected override void StopProcessing() => CancelRunningWork();

        /// <summary>Cancels engine work still running, e.g. concurrent requests, when the command stops.</summary>
        protected void CancelRunningWork()
        {
            if (_disposed) return;
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        /// <summary>PowerShell disposes a cmdlet on every way out of the pipeline (success, error, Ctrl+C): nothing keeps running.</summary>
        public virtual void Dispose()
        {
            if (_disposed) return;
            CancelRunningWork();
            _disposed = true;
            _cancellation.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>Runs one engine call; Ctrl+C cancels it. Engine messages are written while it runs.</summary>
        protected T Run<T>(Func<CancellationToken, Task<T>> call)
        {
            try
            {
                var task = call(CancellationToken);
                while (!task.IsCompleted)
                {
                    Task.WaitAny(new Task[] { task }, 100);
                    FlushLog();
                }
                return task.GetAwaiter().GetResult();
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
