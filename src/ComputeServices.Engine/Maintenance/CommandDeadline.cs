using System;
using System.Threading;

namespace ComputeServices.Maintenance
{
    /// <summary>
    /// A deadline for everything a command sends while it is in force (Wait-ComputeService -TimeoutSec): requests made
    /// under it retry transient failures (connection errors, 429, 502, 503, 504) until the deadline instead of a fixed
    /// number of times, and never start a retry wait that would end past it. Flows with the async calls made in its scope.
    /// </summary>
    public static class CommandDeadline
    {
        private static readonly AsyncLocal<DateTime?> CurrentUtc = new AsyncLocal<DateTime?>();

        /// <summary>The deadline (UTC) in force for this call, or null.</summary>
        public static DateTime? Current => CurrentUtc.Value;

        /// <summary>Puts a deadline in force until the returned scope is disposed.</summary>
        public static IDisposable Begin(DateTime deadlineUtc)
        {
            var previous = CurrentUtc.Value;
            CurrentUtc.Value = deadlineUtc;
            return new Scope(previous);
        }

        /// <summary>Time left before the deadline (null: none in force).</summary>
        public static TimeSpan? Left => Current.HasValue ? Current.Value - DateTime.UtcNow : (TimeSpan?)null;

        private sealed class Scope : IDisposable
        {
            private readonly DateTime? _previous;
            public Scope(DateTime? previous) => _previous = previous;
            public void Dispose() => CurrentUtc.Value = _previous;
        }
    }
}
