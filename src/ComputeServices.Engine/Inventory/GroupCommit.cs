using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Inventory
{
    /// <summary>
    /// A backend that can commit many changes in one durable write. Changes queued after <see cref="BeginGroupCommit"/>
    /// complete only when their batch is on disk; <see cref="FlushAsync"/> commits what is queued.
    /// </summary>
    public interface IGroupCommitBackend
    {
        /// <param name="cancellationToken">Cancels waiting for the lock; a batch that holds it is written whole.</param>
        /// <param name="stopAtFirstFailure">A change that fails ends the group: the changes after it are never applied (cancelled).</param>
        void BeginGroupCommit(CancellationToken cancellationToken, bool stopAtFirstFailure = false);
        Task FlushAsync(CancellationToken cancellationToken);
        /// <summary>Drops what is queued and not yet being written (never applied: cancelled); a write in progress completes.</summary>
        void EndGroupCommit();
    }

    /// <summary>
    /// Group commit for the inventory: changes are queued and applied, in order, to one freshly read document under the
    /// lock, then written once. A batch closes when it holds <see cref="MaxCount"/> changes or its first change has
    /// waited <see cref="MaxDelay"/>; the lock is released between batches so other writers are not starved. A change's
    /// task completes only after its batch is durable: nothing is reported done before that, and a crash loses only
    /// changes not yet reported. A change that breaks a rule fails alone; a failed write fails every change of the batch.
    /// </summary>
    internal sealed class GroupCommit : IDisposable
    {
        public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(250);
        public const int MaxCount = 2000;

        private readonly InventoryFile _file;
        private readonly CancellationToken _cancellationToken;
        private readonly bool _stopAtFirstFailure;
        private bool _stopped;
        private readonly object _lock = new object();
        private readonly SemaphoreSlim _writer = new SemaphoreSlim(1, 1);
        private List<Pending> _queue = new List<Pending>();
        private Timer? _timer;
        private bool _disposed;

        private sealed class Pending
        {
            public Pending(Func<InventoryDocument, object?> change, string description)
            {
                Change = change;
                Description = description;
            }

            public Func<InventoryDocument, object?> Change { get; }
            public string Description { get; }
            public TaskCompletionSource<object?> Done { get; } = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public GroupCommit(InventoryFile file, CancellationToken cancellationToken, bool stopAtFirstFailure = false)
        {
            _file = file;
            _cancellationToken = cancellationToken;
            _stopAtFirstFailure = stopAtFirstFailure;
        }

        /// <summary>How many batches were written (for the benchmark).</summary>
        public int Commits { get; private set; }

        /// <summary>Queues one change; the task ends when it is durable (or failed).</summary>
        public async Task<T> Enqueue<T>(Func<InventoryDocument, T> change, string description)
        {
            var pending = new Pending(d => change(d), description);
            bool full;
            lock (_lock)
            {
                if (_disposed) throw new ObjectDisposedException(nameof(GroupCommit));
                if (_stopped) throw new OperationCanceledException("An earlier change of this group failed: the group stopped there.");
                _queue.Add(pending);
                full = _queue.Count >= MaxCount;
                if (_queue.Count == 1 && !full) _timer = new Timer(_ => _ = FlushAsync(_cancellationToken), null, MaxDelay, Timeout.InfiniteTimeSpan);
            }
            if (full) _ = FlushAsync(_cancellationToken);
            return (T)(await pending.Done.Task.ConfigureAwait(false))!;
        }

        /// <summary>Commits everything queued so far, in one write per batch.</summary>
        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                while (true)
                {
                    List<Pending> batch;
                    lock (_lock)
                    {
                        _timer?.Dispose();
                        _timer = null;
                        if (_queue.Count == 0) return;
                        batch = _queue.Count <= MaxCount ? _queue : _queue.Take(MaxCount).ToList();
                        _queue = _queue.Count <= MaxCount ? new List<Pending>() : _queue.Skip(MaxCount).ToList();
                    }
                    Commit(batch, cancellationToken);
                }
            }
            finally
            {
                _writer.Release();
            }
        }

        private void Commit(List<Pending> batch, CancellationToken cancellationToken)
        {
            var results = new (object? Value, Exception? Error)[batch.Count];
            try
            {
                _file.Update(document =>
                {
                    // Applied to a fresh read under the lock; a change that throws has not touched the document.
                    for (var i = 0; i < batch.Count; i++)
                    {
                        if (_stopped)
                        {
                            results[i] = (null, new OperationCanceledException("Not applied: an earlier change of this group failed."));
                            continue;
                        }
                        try
                        {
                            results[i] = (batch[i].Change(document), null);
                        }
                        catch (Rules.ServiceSkippedException ex)
                        {
                            results[i] = (null, ex);
                        }
                        catch (ComputeServiceException ex)
                        {
                            results[i] = (null, ex);
                            if (_stopAtFirstFailure) StopHere();
                        }
                    }
                    return true;
                }, cancellationToken);
            }
            catch (ComputeServiceException ex)
            {
                var notApplied = batch.Where((_, i) => results[i].Error == null).Select(p => p.Description).ToList();
                foreach (var pending in batch)
                    pending.Done.TrySetException(new ComputeServiceException(ex.ErrorId, ex.Kind,
                        $"{ex.Message} None of this batch's {notApplied.Count} changes was applied: {string.Join(", ", notApplied)}.", ex)
                    {
                        Target = ex.Target,
                        RecommendedAction = ex.RecommendedAction,
                    });
                return;
            }
            catch (OperationCanceledException ex)
            {
                foreach (var pending in batch) pending.Done.TrySetCanceled(ex.CancellationToken);
                return;
            }
            Commits++;
            for (var i = 0; i < batch.Count; i++)
            {
                if (results[i].Error is OperationCanceledException) batch[i].Done.TrySetCanceled();
                else if (results[i].Error != null) batch[i].Done.TrySetException(results[i].Error!);
                else batch[i].Done.TrySetResult(results[i].Value);
            }
        }

        // Stop mode: what is queued behind the failed change is dropped, and nothing more is taken.
        private void StopHere()
        {
            List<Pending> dropped;
            lock (_lock)
            {
                _stopped = true;
                dropped = _queue;
                _queue = new List<Pending>();
            }
            foreach (var pending in dropped) pending.Done.TrySetCanceled();
        }

        /// <summary>Changes still queued are dropped, never applied: they were never reported done.</summary>
        public void Dispose()
        {
            List<Pending> dropped;
            lock (_lock)
            {
                _disposed = true;
                _timer?.Dispose();
                dropped = _queue;
                _queue = new List<Pending>();
            }
            foreach (var pending in dropped) pending.Done.TrySetCanceled();
        }
    }
}
