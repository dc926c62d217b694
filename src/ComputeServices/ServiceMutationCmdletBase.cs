using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Rules;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Cmdlets that change services: one ShouldProcess per resolved service, naming the service and the place it lives,
    /// then the engine call on that place; progress over many services, and a closing count of what failed.
    /// Enable, Disable and Set-ComputeServiceForcedDown give a <see cref="Change"/>; Remove overrides <see cref="ApplyAsync"/>.
    /// </summary>
    public abstract partial class ServiceMutationCmdletBase : ServiceTargetCmdletBase
    {
        private const int ProgressActivityId = 0x5C5;
        // With group commit a change is only queued until its batch is written: many may wait at once.
        private const int MaxQueuedForGroupCommit = 4096;
        private int _handled;
        private int _failed;
        private bool _progressShown;
        // What is in flight, in input order: a change's work, or a failure found before it could start.
        private readonly Queue<(object Target, Task<ComputeService?> Work)> _pending = new Queue<(object, Task<ComputeService?>)>();
        private readonly List<Inventory.IGroupCommitBackend> _groupCommits = new List<Inventory.IGroupCommitBackend>();

        /// <summary>Write the service, as it is afterwards, to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>How many services are worked on at once (remote requests run concurrently; output keeps the input order).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 1;

        /// <summary>The ShouldProcess action text, e.g. "Disable compute service".</summary>
        protected abstract string Action { get; }

        /// <summary>The noun phrase for the closing summary, e.g. "disable" in "2 of 5 compute services failed to disable".</summary>
        protected abstract string Verb { get; }

        /// <summary>The change this invocation applies to every service; null for cmdlets that do something else (Remove).</summary>
        protected virtual ServiceChange? Change => null;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            // A change that is wrong for every service is bad usage: stop before touching anything.
            try
            {
                var change = Change;
                if (change != null) ServiceRules.ValidateChange(change);
            }
            catch (ComputeServiceException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
            }
        }

        /// <summary>Runs on the pipeline thread just before the work starts (warnings, verbose lines).</summary>
        protected virtual void BeforeApply(ComputeService service)
        {
        }

        /// <summary>Does the work on one resolved service; returns the service as it is afterwards. May run concurrently with others.</summary>
        protected virtual async Task<ComputeService?> ApplyAsync(IComputeServiceBackend backend, ComputeService service, CancellationToken cancellationToken)
            => await backend.UpdateAsync(service, Change!, cancellationToken).ConfigureAwait(false);

        /// <summary>What ShouldProcess names: the service and where it lives.</summary>
        protected string TargetText(ComputeService service) => $"{service} in {PlaceOf(service)}";

        /// <summary>Asks whether to go on with one service. Remove overrides it for -Force.</summary>
        protected virtual bool Confirm(ComputeService service) => ShouldProcess(TargetText(service), Action);

        protected override void Process(ComputeService service)
        {
            IComputeServiceBackend backend;
            try
            {
                backend = BackendOf(service);
            }
            catch (ComputeServiceException ex)
            {
                OnResolveFailed(ex, service);
                return;
            }
            _handled++;
            ShowProgress(service);
            if (!Confirm(service)) return;
            GuardBlastRadius(service); // -MaxCount and the fleet check: ServiceMutationCmdletBase.BlastRadius.cs
            BeforeApply(service);
            var token = CancellationToken;
            var limit = ThrottleLimit;
            var concurrent = ThrottleLimit > 1;
            if (backend is Inventory.IGroupCommitBackend groupCommit)
            {
                if (!_groupCommits.Contains(groupCommit))
                {
                    groupCommit.BeginGroupCommit(token);
                    _groupCommits.Add(groupCommit);
                }
                limit = MaxQueuedForGroupCommit;
                concurrent = false;   // queuing a change is instant, and keeps the changes in input order
            }
            var work = concurrent
                ? Task.Run(() => ApplyAsync(backend, service, token))
                : ApplyAsync(backend, service, token);
            _pending.Enqueue((service, work));
            while (_pending.Count >= limit) Complete(_pending.Dequeue());
        }

        // Results and errors are written in the order the services came in, whatever order the requests finish in.
        private void Complete((object Target, Task<ComputeService?> Work) item)
        {
            try
            {
                var result = Run(_ => item.Work);
                _succeeded++;
                if (PassThru && result != null) WriteObject(result);
            }
            catch (ComputeServiceException ex)
            {
                _failed++;
                ReportStopping(ex, item.Target);
            }
        }

        // With -ErrorAction Stop an error ends the command at once, and the work in flight is cancelled with it.
        /// <summary>Writes out every change still queued or in flight, in order (group commits are flushed first).</summary>
        private void DrainPending()
        {
            foreach (var groupCommit in _groupCommits) Run(token => groupCommit.FlushAsync(token));
            while (_pending.Count > 0) Complete(_pending.Dequeue());
        }

        // Reported in input order: behind the changes still in flight, unless it stops the command.
        protected override void OnResolveFailed(ComputeServiceException ex, object? target)
        {
            _handled++;
            if (_pending.Count == 0 || ErrorRecords.IsTerminating(ex) || this.ErrorsStop())
            {
                _failed++;
                ReportStopping(ex, target);
                return;
            }
            _pending.Enqueue((target ?? ex.Target ?? "", Task.FromException<ComputeService?>(ex)));
        }

        protected override void EndProcessing()
        {
            DrainPending();
            if (_progressShown)
                WriteProgress(new ProgressRecord(ProgressActivityId, Action, "Done") { RecordType = ProgressRecordType.Completed });
            // Like `openstack compute service delete`: a bulk run says at the end how many failed.
            if (_handled > 1 && _failed > 0)
                WriteWarning($"{_failed} of {_handled} compute services failed to {Verb}.");
            else if (_handled > 1)
                WriteVerbose($"{_handled} compute services handled, none failed.");
            if (ListingsMade > 0) WriteVerbose($"Names and ids were resolved from {ListingsMade} listing(s).");
            base.EndProcessing();
        }

        // Silent for a single service: progress starts with the second one (or the first of a known batch).
        private void ShowProgress(ComputeService service)
        {
            var total = BatchSize;
            if (_handled < 2 && total < 2) return;
            var record = new ProgressRecord(ProgressActivityId, Action, service.ToString());
            if (total >= 2 && MyInvocation.ExpectingInput == false)
            {
                record.PercentComplete = (int)System.Math.Min(100, (_handled - 1) * 100L / total);
                record.StatusDescription = $"{_handled} of {total}: {service}";
            }
            else
            {
                record.StatusDescription = $"{_handled}: {service}";
            }
            WriteProgress(record);
            _progressShown = true;
        }
    }
}
