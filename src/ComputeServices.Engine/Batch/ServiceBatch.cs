using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Inventory;
using ComputeServices.Rules;

namespace ComputeServices.Batch
{
    /// <summary>The policy of one batch, as the command's parameters ask it.</summary>
    public sealed class BatchOptions
    {
        /// <summary>How many services are worked on at once (-ThrottleLimit). A group-committing backend queues instead.</summary>
        public int ThrottleLimit { get; set; } = 1;
        /// <summary>-MaxCount: stop (TooManyTargets) before sending more than this many changes.</summary>
        public int? MaxCount { get; set; }
        /// <summary>-ErrorAction Stop: the first failure ends the batch; nothing after it is applied.</summary>
        public bool StopOnError { get; set; }
        /// <summary>When set, the fleet check runs once per place before its first change; the action names what is refused.</summary>
        public string? FleetCheckAction { get; set; }
    }

    /// <summary>
    /// One command's changes, from the first admitted service to the last result: ordering (results come out in input
    /// order, whatever order the work finishes in), throttling, group commit where the backend offers it, counters,
    /// -MaxCount, the fleet check, stop-on-error and interrupt. Every durable result is handed out exactly once.
    /// Driven from one thread (the pipeline's); the work itself may run concurrently.
    /// Backends supply capabilities only: apply one change (<see cref="IComputeServiceBackend"/>), apply a group durably
    /// (<see cref="IGroupCommitBackend"/>).
    /// </summary>
    public sealed partial class ServiceBatch : IDisposable
    {
        // With group commit a change is only queued until its batch is written: many may wait at once.
        private const int MaxQueuedForGroupCommit = 4096;

        private readonly BatchOptions _options;
        private readonly CancellationToken _cancellationToken;
        private readonly Queue<BatchItem> _pending = new Queue<BatchItem>();
        private readonly List<IGroupCommitBackend> _groupCommits = new List<IGroupCommitBackend>();
        private readonly HashSet<IComputeServiceBackend> _fleetChecked = new HashSet<IComputeServiceBackend>();

        public ServiceBatch(BatchOptions options, CancellationToken cancellationToken)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _cancellationToken = cancellationToken;
        }

        /// <summary>Services handled: admitted ones plus names that failed before admission. -WhatIf and declined prompts are not.</summary>
        public int Handled { get; private set; }
        /// <summary>Changes sent (admitted past -MaxCount and the fleet check).</summary>
        public int Sent { get; private set; }
        public int Succeeded { get; private set; }
        public int Failed { get; private set; }
        public int Skipped { get; private set; }

        /// <summary>Results are waiting for work still running or queued.</summary>
        public bool HasPending => _pending.Count > 0;

        /// <summary>The pipeline thread must complete the oldest item before it admits another.</summary>
        public bool MustWait => _pending.Count >= Limit;

        private bool GroupCommits => _groupCommits.Count > 0;

        private int Limit => GroupCommits ? MaxQueuedForGroupCommit : Math.Max(1, _options.StopOnError ? 1 : _options.ThrottleLimit);

        /// <summary>
        /// True when one more change would go past -MaxCount. Changes skipped by their owner check count nothing, and are
        /// known only once done: complete what is pending and ask again before stopping with <see cref="TooManyTargets"/>.
        /// </summary>
        public bool WouldExceedMaxCount => _options.MaxCount.HasValue && Sent - Skipped >= _options.MaxCount.Value;

        public ComputeServiceException TooManyTargets(object next)
        {
            var ex = BlastRadius.TooManyTargets(_options.MaxCount!.Value, Succeeded, next);
            ex.RecommendedAction = $"{Sent} service(s) were sent, {Succeeded} succeeded. " + ex.RecommendedAction;
            return ex;
        }

        /// <summary>Once per place, before its first change: refuses (FleetMostlyDown) when most of its computes report down.</summary>
        public async Task<FleetHealth?> CheckFleetAsync(IComputeServiceBackend backend, CancellationToken cancellationToken)
        {
            if (_options.FleetCheckAction == null || !_fleetChecked.Add(backend)) return null;
            var computes = await backend.ListAsync(new ServiceQuery(binary: ServiceBinaries.Compute), cancellationToken).ConfigureAwait(false);
            var health = BlastRadius.Assess(computes);
            BlastRadius.EnsureFleetNotMostlyDown(health, _options.FleetCheckAction, backend.Description);
            return health;
        }

        /// <summary>Starts the work on one admitted service (its place in the output is now fixed).</summary>
        public void Start(IComputeServiceBackend backend, ComputeService service, Func<IComputeServiceBackend, ComputeService, CancellationToken, Task<ComputeService?>> work)
        {
            if (WouldExceedMaxCount) throw TooManyTargets(service);
            Handled++;
            Sent++;
            var token = _cancellationToken;
            Task<ComputeService?> task;
            if (backend is IGroupCommitBackend groupCommit)
            {
                if (!_groupCommits.Contains(groupCommit))
                {
                    groupCommit.BeginGroupCommit(token, _options.StopOnError);
                    _groupCommits.Add(groupCommit);
                }
                task = Started(() => work(backend, service, token));   // queuing a change is instant, and keeps the input order
            }
            else if (Limit > 1)
            {
                task = Task.Run(() => work(backend, service, token));
            }
            else
            {
                task = Started(() => work(backend, service, token));
            }
            _pending.Enqueue(new BatchItem(service, service.ToString(), task, sent: true));
        }

        /// <summary>A name, id or row that failed before it could start: reported in its place in the input order.</summary>
        public void Fail(object target, ComputeServiceException error)
        {
            Handled++;
            _pending.Enqueue(new BatchItem(target, target.ToString() ?? "", Task.FromException<ComputeService?>(error), sent: false));
        }

        /// <summary>Results already there at the head of the queue, in order, without waiting.</summary>
        public IEnumerable<BatchResult> TakeReady()
        {
            // After a stop nothing more is handed out here: Interrupt says what became of it.
            while (_pending.Count > 0 && _pending.Peek().Work.IsCompleted && !_cancellationToken.IsCancellationRequested)
                yield return Take(_pending.Dequeue());
        }

        /// <summary>Waits for the oldest item and hands out its result; null when nothing is pending.</summary>
        public async Task<BatchResult?> NextAsync(CancellationToken cancellationToken)
        {
            if (_pending.Count == 0) return null;
            var head = _pending.Peek();
            if (!head.Work.IsCompleted && GroupCommits) await FlushAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await head.Work.ConfigureAwait(false);
            }
            catch (Exception) when (head.Work.IsCompleted)
            {
                // classified by Take
            }
            // Cut by a stop: a request may still have been applied, so Interrupt (not Take) says what became of it.
            _cancellationToken.ThrowIfCancellationRequested();
            cancellationToken.ThrowIfCancellationRequested();
            return Take(_pending.Dequeue());
        }

        /// <summary>Commits what the group-committing backends hold, so that every queued change gets its result.</summary>
        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            foreach (var groupCommit in _groupCommits) await groupCommit.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        private BatchResult Take(BatchItem item)
        {
            var work = item.Work;
            if (work.Status == TaskStatus.RanToCompletion)
            {
                Succeeded++;
                return new BatchResult(item.Target, BatchOutcome.Done, work.Result, null);
            }
            if (work.IsCanceled) return new BatchResult(item.Target, BatchOutcome.NotApplied, null, null);
            var error = work.Exception!.InnerExceptions.Count == 1 ? work.Exception.InnerException! : work.Exception;
            if (error is ServiceSkippedException skipped)
            {
                Skipped++;
                return new BatchResult(item.Target, BatchOutcome.Skipped, skipped.Service, skipped);
            }
            if (error is OperationCanceledException) return new BatchResult(item.Target, BatchOutcome.NotApplied, null, null);
            Failed++;
            var failure = error as ComputeServiceException
                          ?? new ComputeServiceException("UnexpectedEngineFailure", FailureKind.InvalidOperation, error.Message, error);
            return new BatchResult(item.Target, BatchOutcome.Failed, null, failure);
        }

        // Runs synchronous parts of the work on this thread; an engine failure is a result, anything else (the caller stopping) propagates.
        private static Task<ComputeService?> Started(Func<Task<ComputeService?>> work)
        {
            try
            {
                return work();
            }
            catch (ComputeServiceException ex)
            {
                return Task.FromException<ComputeService?>(ex);
            }
            catch (OperationCanceledException ex)
            {
                return Task.FromCanceled<ComputeService?>(ex.CancellationToken.IsCancellationRequested ? ex.CancellationToken : new CancellationToken(true));
            }
        }

        /// <summary>Queued group-commit changes that were never written are dropped (never applied, never reported).</summary>
        public void Dispose()
        {
            _groupCommits.Clear();
            _pending.Clear();
        }
    }
}
