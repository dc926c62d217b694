using System;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Inventory
{
    public sealed partial class InventoryBackend : IGroupCommitBackend
    {
        private GroupCommit? _groupCommit;

        /// <summary>From now on, changes are committed in batches (one locked write each) until this backend is disposed.</summary>
        public void BeginGroupCommit(CancellationToken cancellationToken, bool stopAtFirstFailure = false)
            => _groupCommit ??= new GroupCommit(_file, cancellationToken, stopAtFirstFailure);

        public Task FlushAsync(CancellationToken cancellationToken)
            => _groupCommit?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

        /// <summary>How many batches group commit wrote (for the benchmark's counts).</summary>
        public int GroupCommits => _groupCommit?.Commits ?? 0;

        /// <summary>One change to the document: its own locked write, or its place in the current batch.</summary>
        private Task<T> Mutate<T>(Func<InventoryDocument, T> change, ComputeService service, CancellationToken cancellationToken)
        {
            if (_groupCommit != null) return _groupCommit.Enqueue(change, service.ToString());
            return Task.FromResult(_file.Update(change, cancellationToken));
        }

        public void EndGroupCommit() => DisposeGroupCommit();

        private void DisposeGroupCommit()
        {
            _groupCommit?.Dispose();
            _groupCommit = null;
        }
    }
}
