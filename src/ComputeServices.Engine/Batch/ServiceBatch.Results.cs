using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace ComputeServices.Batch
{
    public enum BatchOutcome
    {
        /// <summary>Applied and durable; <see cref="BatchResult.Service"/> is the service as it is afterwards.</summary>
        Done,
        /// <summary>Not applied because of the service's current state (an ownership check): a warning, not an error.</summary>
        Skipped,
        /// <summary>Failed; <see cref="BatchResult.Error"/> says why.</summary>
        Failed,
        /// <summary>Never applied: the batch stopped (an earlier failure with -ErrorAction Stop, or an interrupt) before it.</summary>
        NotApplied,
    }

    /// <summary>The result of one item, handed out once, in input order.</summary>
    public sealed class BatchResult
    {
        public BatchResult(object target, BatchOutcome outcome, ComputeService? service, ComputeServiceException? error)
        {
            Target = target;
            Outcome = outcome;
            Service = service;
            Error = error;
        }

        public object Target { get; }
        public BatchOutcome Outcome { get; }
        public ComputeService? Service { get; }
        public ComputeServiceException? Error { get; }
    }

    internal sealed class BatchItem
    {
        public BatchItem(object target, string name, Task<ComputeService?> work, bool sent)
        {
            Target = target;
            Name = name;
            Work = work;
            Sent = sent;
        }

        public object Target { get; }
        public string Name { get; }
        public Task<ComputeService?> Work { get; }
        public bool Sent { get; }
    }

    /// <summary>What a batch stopped early (Ctrl+C, a stopping error, Select-Object -First) leaves behind that was never handed out.</summary>
    public sealed class InterruptReport
    {
        internal InterruptReport(int reported, IReadOnlyList<string> applied, IReadOnlyList<string> notApplied, IReadOnlyList<string> unknown)
        {
            Reported = reported;
            Applied = applied;
            NotApplied = notApplied;
            Unknown = unknown;
        }

        /// <summary>Changes that were reported done before the interrupt.</summary>
        public int Reported { get; }
        /// <summary>Durable but never reported: the operator learns of them only from this report.</summary>
        public IReadOnlyList<string> Applied { get; }
        public IReadOnlyList<string> NotApplied { get; }
        /// <summary>Requests cut while on the wire: the server may or may not have applied them.</summary>
        public IReadOnlyList<string> Unknown { get; }

        public bool IsEmpty => Applied.Count == 0 && NotApplied.Count == 0 && Unknown.Count == 0;

        public override string ToString()
        {
            var parts = new List<string> { $"Stopped before the end: {Reported} change(s) were reported done" };
            if (Applied.Count > 0) parts.Add($"{Applied.Count} more were applied but not reported: {Names(Applied)}");
            if (Unknown.Count > 0) parts.Add($"{Unknown.Count} were cut while in flight and may or may not have been applied (check them with Get-ComputeService): {Names(Unknown)}");
            if (NotApplied.Count > 0) parts.Add($"{NotApplied.Count} were not applied: {Names(NotApplied)}");
            return string.Join("; ", parts) + ".";
        }

        private static string Names(IReadOnlyList<string> names)
            => names.Count <= 50 ? string.Join(", ", names) : string.Join(", ", names.Take(50)) + $", and {names.Count - 50} more";
    }

    public sealed partial class ServiceBatch
    {
        private readonly List<string> _notReported = new List<string>();

        /// <summary>A result handed out that the caller could not write (the pipeline stopped): it is told with the interrupt.</summary>
        public void NotReported(BatchResult result)
        {
            if (result.Outcome != BatchOutcome.Done) return;
            Succeeded--;
            _notReported.Add(result.Service?.ToString() ?? result.Target.ToString() ?? "");
        }

        /// <summary>Whether anything was handed out but never written.</summary>
        public bool HasUnreported => _notReported.Count > 0;

        /// <summary>
        /// After the command was stopped (its token cancelled): waits up to <paramref name="settle"/> for work in flight to
        /// finish or give up (a group commit that holds the lock is written whole), then says what became of everything
        /// not handed out. Nothing is handed out after this.
        /// </summary>
        public InterruptReport Interrupt(TimeSpan settle)
        {
            var items = _pending.ToList();
            _pending.Clear();
            foreach (var groupCommit in _groupCommits) groupCommit.EndGroupCommit();
            try
            {
                Task.WaitAll(items.Select(i => (Task)i.Work).ToArray(), settle);
            }
            catch (AggregateException)
            {
                // failures and cancellations are classified below
            }
            var applied = new List<string>(_notReported);
            var notApplied = new List<string>();
            var unknown = new List<string>();
            foreach (var item in items.Where(i => i.Sent))
            {
                var work = item.Work;
                if (work.Status == TaskStatus.RanToCompletion) applied.Add(item.Name);
                else if (!work.IsCompleted) unknown.Add(item.Name);
                // A group commit never wrote a cancelled change; a request on the wire may have been applied.
                else if (work.IsCanceled || work.Exception?.InnerException is OperationCanceledException)
                    (GroupCommits ? notApplied : unknown).Add(item.Name);
                else notApplied.Add(item.Name);   // failed: not applied
            }
            return new InterruptReport(Succeeded, applied, notApplied, unknown);
        }
    }
}
