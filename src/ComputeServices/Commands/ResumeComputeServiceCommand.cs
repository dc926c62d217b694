using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ComputeServices.Maintenance;
using ComputeServices.Rules;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Brings a fenced host back in Nova's order: wait until no 'done' evacuation names it as source, clear forced_down,
    /// wait until it reports up, then (with -Owner, when the disable is that owner's) enable it.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Resume, "ComputeService", SupportsShouldProcess = true, DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class ResumeComputeServiceCommand : ServiceTargetCmdletBase
    {
        private const int ProgressActivityId = 0x5C7;
        private const string EvacuationsStep = "evacuations";
        private const string UpStep = "up";
        private int _handled;
        private int _failed;
        private int _started;
        private int _succeeded;

        /// <summary>Enable the service at the end when its current disable is this owner's ([owner] reason).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Owner { get; set; }

        /// <summary>How long to wait in all for one host, over every step, in seconds.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int TimeoutSec { get; set; } = 600;

        /// <summary>Seconds between two checks while waiting.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int PollIntervalSec { get; set; } = 5;

        /// <summary>Stop (TooManyTargets) instead of resuming more than this many hosts in one run.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? MaxCount { get; set; }

        /// <summary>Write each service, as it is at the end, to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private string Action => Owner == null
            ? "Resume compute service (wait for evacuations to complete, clear forced_down, wait until up)"
            : $"Resume compute service (wait for evacuations to complete, clear forced_down, wait until up, enable if disabled by '{Owner}')";

        protected override void Process(ComputeService service)
        {
            _handled++;
            if (!ShouldProcess(service.ToString(), Action)) return;
            _started++;
            if (MaxCount.HasValue && _started > MaxCount.Value)
                ThrowTerminatingError(ErrorRecords.From(BlastRadius.TooManyTargets(MaxCount.Value, _succeeded, service), service));
            try
            {
                var result = Resume(service);
                _succeeded++;
                if (PassThru) WriteObject(result);
            }
            catch (ComputeServiceException ex)
            {
                _failed++;
                Report(ex, service);
            }
            finally
            {
                WriteProgress(new ProgressRecord(ProgressActivityId, "Resume compute service", "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        protected override void OnResolveFailed(ComputeServiceException ex, object? target)
        {
            _handled++;
            _failed++;
            base.OnResolveFailed(ex, target);
        }

        protected override void EndProcessing()
        {
            if (_handled > 1 && _failed > 0) WriteWarning($"{_failed} of {_handled} compute services failed to resume.");
            base.EndProcessing();
        }

        private ComputeService Resume(ComputeService service)
        {
            var clock = Stopwatch.StartNew();
            var host = service.Host;

            Step(1, service, $"waiting until no 'done' evacuation names {host} as its source (nova-compute completes them when it starts again; until then Nova refuses to clear forced_down)");
            while (true)
            {
                var pending = Run(token => BackendOf(service).ListPendingEvacuationsAsync(host, token));
                if (pending.Count == 0) break;
                var remain = $"{pending.Count} 'done' evacuation(s) remain: {string.Join("; ", pending.Select(m => m.ToString()))}";
                Pause(clock, EvacuationsStep, service, "to have no 'done' evacuations as source", remain);
            }

            var current = Read(service);
            if (current.ForcedDown == true)
            {
                Step(2, service, "clearing forced_down");
                current = Run(token => BackendOf(service).UpdateAsync(current, ServiceChange.SetForcedDown(false), token));
            }
            else
            {
                Step(2, service, "forced_down is not set: nothing to clear");
            }

            Step(3, service, $"waiting until {service} reports up (its heartbeat)");
            while (current.State != ServiceState.Up)
            {
                Pause(clock, UpStep, service, "to report up", WaitCondition.Describe(current));
                current = Read(service);
            }

            if (current.Status != ServiceStatus.Disabled)
            {
                Step(4, service, "the service is enabled: nothing to enable");
                return current;
            }
            var holder = DisabledReasonFormat.DescribeHolder(current);
            if (Owner == null)
            {
                WriteWarning($"{current} is up but still disabled, by {holder}: the scheduler places nothing on it. Enable it with Enable-ComputeService -IfOwner <owner>, or resume with -Owner.");
                return current;
            }
            if (!DisabledReasonFormat.IsOwnedBy(current.DisabledReason, Owner))
            {
                WriteWarning($"{current} is up but stays disabled: it was disabled by {holder}, not by '{Owner}'.");
                return current;
            }
            Step(4, service, $"enabling (disabled by '{Owner}')");
            var owned = current;
            return Run(token => BackendOf(service).UpdateAsync(owned, ServiceChange.Enable(), token));
        }

        private void Step(int number, ComputeService service, string what)
        {
            WriteVerbose($"{service}: step {number} of 4, {what}.");
            WriteProgress(new ProgressRecord(ProgressActivityId, $"Resume {service}", $"Step {number} of 4: {what}"));
        }

        /// <summary>Waits one poll interval, or throws ServiceWaitTimeout naming the step when the time is up.</summary>
        private void Pause(Stopwatch clock, string step, ComputeService service, string what, string lastSeen)
        {
            var left = TimeSpan.FromSeconds(TimeoutSec) - clock.Elapsed;
            if (left <= TimeSpan.Zero)
                throw WaitTarget.WaitTimeout(service, what, lastSeen + ". The host is left as it was at this step", clock.Elapsed, step);
            var record = new ProgressRecord(ProgressActivityId, $"Resume {service}", $"Waiting ({step}): {lastSeen}")
            {
                CurrentOperation = $"{clock.Elapsed.TotalSeconds:0} of {TimeoutSec} s",
            };
            WriteProgress(record);
            var pause = TimeSpan.FromSeconds(Math.Min(PollIntervalSec, Math.Ceiling(left.TotalSeconds)));
            Run(token => Task.Delay(pause, token));
        }

        private ComputeService Read(ComputeService service)
        {
            var listed = Run(token => BackendOf(service).ListAsync(new ServiceQuery(service.Host, service.Binary), token));
            var found = listed.FirstOrDefault(s => s.Host == service.Host && s.Binary == service.Binary);
            if (found != null) return found;
            throw new ComputeServiceException(ErrorIds.ServiceNotFound, FailureKind.NotFound,
                $"Could not find binary {service.Binary} on host {service.Host}: it was deleted while being resumed.")
            {
                Target = service,
            };
        }
    }
}
