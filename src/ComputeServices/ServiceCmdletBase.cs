using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Batch;
using ComputeServices.Rules;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Cmdlets that act on named services. Three ways to name one: piped ComputeService objects (the default set),
    /// ids (also piped strings and objects with an Id), or host and binary (also CSV rows). <see cref="ServiceTargets"/>
    /// resolves them; a command that changes services hands each one to the engine's <see cref="ServiceBatch"/>, which
    /// decides ordering, throttling, group commit, -MaxCount, the fleet check and stopping; this class writes what it
    /// reports: objects, errors, skips, progress and the closing count.
    /// </summary>
    public abstract class ServiceCmdletBase : ComputeServiceCmdletBase
    {
        protected const string ByInputObjectSet = "ByInputObject";
        protected const string ByIdSet = "ById";
        protected const string ByHostSet = "ByHost";
        private const int ProgressActivityId = 0x5C5;

        private ServiceTargets? _targets;
        private ServiceBatch? _batch;
        private int _progressCount;
        private bool _progressShown;

        /// <summary>Services from Get-ComputeService.</summary>
        [Parameter(ParameterSetName = ByInputObjectSet, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public ComputeService[]? InputObject { get; set; }

        /// <summary>Service ids: UUIDs (or legacy integer ids); also piped strings and objects with an Id property.</summary>
        /// <remarks>
        /// Also declared, optional and by property name only, in the ByHost set: a piped row with both Id and Host
        /// (an exported ComputeService, a CSV line) then binds there without ambiguity, and its Id wins unless it is blank.
        /// </remarks>
        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByHostSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
        [AllowEmptyString]
        [AllowNull]
        public string[]? Id { get; set; }

        /// <summary>Host names: a literal matches exactly and case-sensitively, as Nova does; a wildcard pattern case-insensitively.</summary>
        [Parameter(ParameterSetName = ByHostSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Host")]
        [AllowEmptyString]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[]? HostName { get; set; }

        /// <summary>The service binary on those hosts; nova-compute unless given.</summary>
        [Parameter(ParameterSetName = ByHostSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(BinaryCompleter))]
        public string Binary { get; set; } = ServiceBinaries.Compute;

        /// <summary>
        /// Where the named services live, as a ComputeService's Source shows it (bound from piped rows and deserialized
        /// objects). They are acted on there, or not at all (TargetMismatch).
        /// </summary>
        [Parameter(ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByHostSet, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowNull]
        public string? Source { get; set; }

        /// <summary>True for cmdlets that delete (or check a delete): an unknown id is then worded as Nova's DELETE words it.</summary>
        protected virtual bool ResolvesForDelete => false;

        /// <summary>Names are watched as given instead of resolved (Wait -Registered: the host need not exist yet).</summary>
        protected virtual bool KeepsNames => false;

        /// <summary>The batch policy of a command that changes services (its -ThrottleLimit, -MaxCount, fleet check).</summary>
        protected virtual BatchOptions BatchOptions => new BatchOptions();

        /// <summary>What progress and ShouldProcess call the work, e.g. "Disable compute service".</summary>
        protected virtual string Action => MyInvocation.MyCommand.Name;

        /// <summary>The verb of the closing summary: "2 of 5 compute services failed to disable".</summary>
        protected virtual string Verb => "process";

        /// <summary>The command changes services through the batch (and counts what it handled).</summary>
        protected virtual bool ChangesServices => false;

        /// <summary>Write -PassThru results (set by the commands that have -PassThru).</summary>
        protected virtual bool WritesResults => false;

        /// <summary>Handles one resolved service (<see cref="ServiceTarget.Backend"/> is where it lives).</summary>
        private protected abstract void Handle(ServiceTarget target);

        /// <summary>How many services this invocation was handed at once, when known up front (for progress).</summary>
        private int BatchSize => ParameterSetName switch
        {
            ByIdSet => Id?.Length ?? 0,
            ByHostSet => HostName?.Length ?? 0,
            _ => InputObject?.Length ?? 0,
        };

        private ServiceTargets Targets => _targets ??= new ServiceTargets(this, ResolvesForDelete, mayBeOne: !MyInvocation.ExpectingInput && BatchSize <= 1,
            forUpdate: ChangesServices && !ResolvesForDelete);

        private ServiceBatch Batch
        {
            get
            {
                if (_batch != null) return _batch;
                var options = BatchOptions;
                options.StopOnError = this.ErrorsStop();
                return _batch = new ServiceBatch(options, CancellationToken);
            }
        }

        protected override void ProcessRecord()
        {
            var named = ParameterSetName == ByInputObjectSet
                ? ServiceTargets.Named(InputObject, null, null, null, null)
                : ServiceTargets.Named(null, Id, ParameterSetName == ByHostSet ? HostName ?? new string[0] : null, Binary, Source);
            foreach (var target in named)
            {
                if (KeepsNames)
                {
                    var placed = Targets.Place(target);
                    if (placed.Problem != null) Failed(placed);
                    else Handle(placed);
                    continue;
                }
                foreach (var resolved in Targets.Resolve(target))
                {
                    if (resolved.Problem != null) Failed(resolved);
                    else Handle(resolved);
                }
            }
        }

        /// <summary>A name, id or row that could not be resolved: reported in input order, behind the work in flight.</summary>
        private void Failed(ServiceTarget target)
        {
            var error = target.Problem!;
            if (!ChangesServices || ErrorRecords.IsTerminating(error))
            {
                ReportStopping(error, target.Input);
                return;
            }
            Batch.Fail(target.Input, error);
            // With -ErrorAction Stop, what came before it is applied and reported first, then the error stops the command.
            WriteReady(all: Batch.MustWait || this.ErrorsStop());
        }

        /// <summary>
        /// Asks ShouldProcess, then hands the change to the batch: the fleet check and -MaxCount first (only for what is really
        /// sent: -WhatIf and declined prompts count nothing), then the work, whose result is written in input order.
        /// </summary>
        private protected void Submit(ServiceTarget target, Func<IComputeServiceBackend, ComputeService, CancellationToken, Task<ComputeService?>> work,
            Action<ComputeService>? beforeApply = null)
        {
            var service = target.Service!;
            var backend = target.Backend!;
            ShowProgress(service);
            if (!Confirm(service)) return;
            var batch = Batch;
            try
            {
                var health = Run(token => batch.CheckFleetAsync(backend, token));
                if (health != null) WriteVerbose($"Fleet check: {health} (forced down counts as down; down-cell records are not counted).");
            }
            catch (ComputeServiceException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
            }
            // Work already started finishes first, so the count is exact (a change skipped by its owner check counts nothing).
            if (batch.WouldExceedMaxCount) WriteReady(all: true);
            if (batch.WouldExceedMaxCount) ThrowTerminatingError(ErrorRecords.From(batch.TooManyTargets(service), service));
            beforeApply?.Invoke(service);
            batch.Start(backend, service, work);
            WriteReady(all: false);
        }

        /// <summary>A change that is wrong for every service is bad usage: stop before touching anything.</summary>
        protected void ValidateChange(Func<ServiceChange> change)
        {
            try
            {
                ServiceRules.ValidateChange(change());
            }
            catch (ComputeServiceException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
            }
        }

        /// <summary>Runs on the pipeline thread for each change that is done, in input order, before -PassThru writes it.</summary>
        protected virtual void Done(ComputeService service)
        {
        }

        /// <summary>Asks whether to go on with one service. Remove overrides it for -Force.</summary>
        protected virtual bool Confirm(ComputeService service) => ShouldProcess(TargetText(service), Action);

        /// <summary>What ShouldProcess names: the service and where it lives.</summary>
        protected string TargetText(ComputeService service) => $"{service} in {PlaceOf(service)}";

        // Results and errors are written in the order the services came in, whatever order the work finishes in.
        private void WriteReady(bool all)
        {
            var batch = _batch!;
            foreach (var result in batch.TakeReady()) Write(result);
            while (batch.HasPending && (all || batch.MustWait))
            {
                var result = Run(token => batch.NextAsync(token));
                if (result != null) Write(result);
            }
        }

        private void Write(BatchResult result)
        {
            try
            {
                WriteResult(result);
            }
            catch (PipelineStoppedException)
            {
                _batch!.NotReported(result);
                throw;
            }
        }

        private void WriteResult(BatchResult result)
        {
            switch (result.Outcome)
            {
                case BatchOutcome.Done:
                    if (result.Service != null) Done(result.Service);
                    if (WritesResults && result.Service != null) WriteObject(result.Service);
                    break;
                case BatchOutcome.Skipped:
                    if (((ServiceSkippedException)result.Error!).IsWarning) WriteWarning(result.Error.Message);
                    else WriteVerbose(result.Error.Message);
                    break;
                case BatchOutcome.Failed:
                    ReportStopping(result.Error!, result.Target);
                    break;
            }
        }

        protected override void EndProcessing()
        {
            if (_batch != null)
            {
                Run(token => _batch.FlushAsync(token));
                WriteReady(all: true);
                // Like `openstack compute service delete`: a bulk run says at the end how many failed.
                if (_batch.Handled > 1 && _batch.Failed > 0)
                    WriteWarning($"{_batch.Failed} of {_batch.Handled} compute services failed to {Verb}.");
                else if (_batch.Handled > 1)
                    WriteVerbose($"{_batch.Handled} compute services handled, none failed.");
            }
            if (_progressShown)
                WriteProgress(new ProgressRecord(ProgressActivityId, Action, "Done") { RecordType = ProgressRecordType.Completed });
            if (_targets != null && _targets.Listings > 0) WriteVerbose($"Names and ids were resolved from {_targets.Listings} listing(s).");
            base.EndProcessing();
        }

        /// <summary>
        /// Every way out, Ctrl+C included: a change that is durable but was never written out is told to the host (the
        /// pipeline takes no more output once stopped), with what was not applied.
        /// </summary>
        public override void Dispose()
        {
            var batch = _batch;
            _batch = null;
            if (batch != null && (batch.HasPending || batch.HasUnreported))
            {
                CancelRunningWork();
                var report = batch.Interrupt(TimeSpan.FromSeconds(10));
                if (!report.IsEmpty && (report.Applied.Count > 0 || report.Unknown.Count > 0 || Stopped))
                    TellHost(report.ToString());
            }
            batch?.Dispose();
            base.Dispose();
        }

        private void TellHost(string message)
        {
            try
            {
                Host?.UI?.WriteWarningLine(message);
            }
            catch (Exception)
            {
                // a host that cannot write any more: nothing else can be told
            }
        }

        // Silent for a single service: progress starts with the second one (or the first of a known batch).
        private void ShowProgress(ComputeService service)
        {
            _progressCount++;
            var total = BatchSize;
            if (_progressCount < 2 && total < 2) return;
            var record = new ProgressRecord(ProgressActivityId, Action, service.ToString());
            if (total >= 2 && MyInvocation.ExpectingInput == false)
            {
                record.PercentComplete = (int)Math.Min(100, (_progressCount - 1) * 100L / total);
                record.StatusDescription = $"{_progressCount} of {total}: {service}";
            }
            else
            {
                record.StatusDescription = $"{_progressCount}: {service}";
            }
            WriteProgress(record);
            _progressShown = true;
        }
    }
}
