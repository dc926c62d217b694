using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Runs engine calls for one cmdlet on its pipeline thread so that Ctrl+C cancels them, and writes the engine's
    /// verbose, debug and warning messages while a call is still running (a retry wait is visible as it happens).
    /// Held by a cmdlet (composition, not a base class): the cmdlet forwards StopProcessing and Dispose.
    /// </summary>
    internal sealed class EngineCalls : IDisposable
    {
        // Made up front: a Ctrl+C that comes before the first engine call must still cancel it.
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private readonly Cmdlet _cmdlet;
        private bool _disposed;

        public EngineCalls(Cmdlet cmdlet) => _cmdlet = cmdlet;

        /// <summary>Collects what the engine reports from any thread; written out by the pipeline thread.</summary>
        public QueuedOperationLog Log { get; } = new QueuedOperationLog();

        public CancellationToken Token => _cancellation.Token;

        /// <summary>Whether the command was stopped (Ctrl+C, StopProcessing) or its work cancelled.</summary>
        public bool Stopped => !_disposed && _cancellation.IsCancellationRequested;

        /// <summary>Cancels engine work still running, e.g. concurrent requests, when the command stops.</summary>
        public void Cancel()
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

        public void Dispose()
        {
            if (_disposed) return;
            Cancel();
            _disposed = true;
            _cancellation.Dispose();
        }

        /// <summary>Runs one engine call; Ctrl+C cancels it. Engine messages are written while it runs.</summary>
        public T Run<T>(Func<CancellationToken, Task<T>> call)
        {
            try
            {
                var task = call(Token);
                while (!task.IsCompleted)
                {
                    Task.WaitAny(new Task[] { task }, 100);
                    FlushLog();
                }
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (Token.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                FlushLog();
            }
        }

        public void Run(Func<CancellationToken, Task> call)
            => Run<bool>(async token =>
            {
                await call(token).ConfigureAwait(false);
                return true;
            });

        public void FlushLog()
        {
            while (Log.TryDequeue(out var level, out var message))
            {
                switch (level)
                {
                    case QueuedOperationLog.Level.Debug: _cmdlet.WriteDebug(message); break;
                    case QueuedOperationLog.Level.Warning: _cmdlet.WriteWarning(message); break;
                    default: _cmdlet.WriteVerbose(message); break;
                }
            }
        }
    }
}
