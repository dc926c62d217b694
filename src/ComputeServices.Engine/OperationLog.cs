using System.Collections.Concurrent;

namespace ComputeServices
{
    /// <summary>
    /// Where the engine reports what it does (requests, timings) for -Verbose and -Debug. The engine may call it
    /// from any thread; the cmdlets drain it on the pipeline thread. Nothing secret may ever be written here.
    /// </summary>
    public interface IOperationLog
    {
        void Verbose(string message);
        void Debug(string message);
        void Warning(string message);
        /// <summary>False when nobody reads Debug: bodies are then not even turned into text.</summary>
        bool IsDebugEnabled { get; }
    }

    /// <summary>Collects messages from any thread for the pipeline thread to write out.</summary>
    public sealed class QueuedOperationLog : IOperationLog
    {
        public enum Level { Verbose, Debug, Warning }

        private readonly ConcurrentQueue<(Level, string)> _queue = new ConcurrentQueue<(Level, string)>();

        public void Verbose(string message) => _queue.Enqueue((Level.Verbose, message));
        public void Debug(string message) => _queue.Enqueue((Level.Debug, message));
        public void Warning(string message) => _queue.Enqueue((Level.Warning, message));
        /// <summary>Set from the cmdlet's Debug preference; true by default.</summary>
        public bool IsDebugEnabled { get; set; } = true;

        public bool TryDequeue(out Level level, out string message)
        {
            if (_queue.TryDequeue(out var item))
            {
                level = item.Item1;
                message = item.Item2;
                return true;
            }
            level = Level.Verbose;
            message = "";
            return false;
        }
    }

    /// <summary>Discards everything.</summary>
    public sealed class NullOperationLog : IOperationLog
    {
        public static readonly NullOperationLog Instance = new NullOperationLog();
        public void Verbose(string message) { }
        public void Debug(string message) { }
        public void Warning(string message) { }
        public bool IsDebugEnabled => false;
    }
}
