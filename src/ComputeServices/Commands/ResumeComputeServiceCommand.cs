using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ComputeServices.Batch;
using ComputeServices.Maintenance;
using ComputeServices.Rules;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Brings a fenced host back in Nova's order (<see cref="ResumeSteps"/>): wait until no 'done' evacuation names it as
    /// source, clear forced_down, wait until it reports up, then (with -Owner, when the disable is that owner's) enable it.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Resume, "ComputeService", SupportsShouldProcess = true, DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class ResumeComputeServiceCommand : ServiceCmdletBase
    {
        private const int ProgressActivityId = 0x5C7;
        private readonly System.Collections.Generic.HashSet<int> _stepsShown = new System.Collections.Generic.HashSet<int>();

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

        protected override string Action => Owner == null
            ? "Resume compute service (wait for evacuations to complete, clear forced_down, wait until up)"
            : $"Resume compute service (wait for evacuations to complete, clear forced_down, wait until up, enable if disabled by '{Owner}')";

        protected override string Verb => "resume";
        protected override bool ChangesServices => true;
        protected override bool WritesResults => PassThru;
        protected override BatchOptions BatchOptions => new BatchOptions { MaxCount = MaxCount };

        // The steps wait and write progress: they run on the pipeline thread, one host after another.
        private protected override void Handle(ServiceTarget target)
            => Submit(target, (backend, service, _) => Task.FromResult<ComputeService?>(Resume(backend, service)));

        private ComputeService Resume(IComputeServiceBackend backend, ComputeService service)
        {
            var clock = Stopwatch.StartNew();
            var host = service.Host;
            _stepsShown.Clear();
            try
            {
                Step(1, service, $"waiting until no 'done' evacuation names {host} as its source (nova-compute completes them when it starts again; until then Nova refuses to clear forced_down)");
                var pending = Run(token => backend.ListPendingEvacuationsAsync(host, token));
                var current = Read(backend, service);
                while (true)
                {
                    var next = ResumeSteps.Next(pending.Count, current, Owner);
                    // Every step is named once, in order, also when there is nothing to do at it.
                    if (next > ResumeStep.ClearForcedDown) Step(2, service, "forced_down is not set: nothing to clear");
                    if (next >= ResumeStep.WaitUntilUp) Step(3, service, $"waiting until {service} reports up (its heartbeat)");
                    switch (next)
                    {
                        case ResumeStep.WaitForEvacuations:
                            Pause(clock, "evacuations", service, "to have no 'done' evacuations as source",
                                $"{pending.Count} 'done' evacuation(s) remain: {string.Join("; ", pending.Select(m => m.ToString()))}");
                            pending = Run(token => backend.ListPendingEvacuationsAsync(host, token));
                            continue;
                        case ResumeStep.ClearForcedDown:
                            Step(2, service, "clearing forced_down");
                            var fenced = current;
                            current = Run(token => backend.UpdateAsync(fenced, ServiceChange.SetForcedDown(false), token));
                            continue;
                        case ResumeStep.WaitUntilUp:
                            Pause(clock, "up", service, "to report up", WaitCondition.Describe(current));
                            current = Read(backend, service);
                            continue;
                        case ResumeStep.Enable:
                            Step(4, service, $"enabling (disabled by '{Owner}')");
                            var owned = current;
                            try
                            {
                                // The owner check travels with the change: decided on the state the backend applies it to.
                                return Run(token => backend.UpdateAsync(owned, ServiceChange.Enable().When(OwnershipCheck.EnableIfOwner(Owner!)), token));
                            }
                            catch (ServiceSkippedException skipped)
                            {
                                current = skipped.Service;
                                goto default;
                            }
                        default:
                            var warning = ResumeSteps.StaysDisabledWarning(current, Owner);
                            if (warning != null) WriteWarning(warning);
                            else Step(4, service, "the service is enabled: nothing to enable");
                            return current;
                    }
                }
            }
            finally
            {
                WriteProgress(new ProgressRecord(ProgressActivityId, "Resume compute service", "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        private void Step(int number, ComputeService service, string what)
        {
            if (!_stepsShown.Add(number)) return;
            WriteVerbose($"{service}: step {number} of 4, {what}.");
            WriteProgress(new ProgressRecord(ProgressActivityId, $"Resume {service}", $"Step {number} of 4: {what}"));
        }

        /// <summary>Waits one poll interval, or throws ServiceWaitTimeout naming the step when the time is up.</summary>
        private void Pause(Stopwatch clock, string step, ComputeService service, string what, string lastSeen)
        {
            var left = TimeSpan.FromSeconds(TimeoutSec) - clock.Elapsed;
            if (left <= TimeSpan.Zero)
                throw WaitTarget.WaitTimeout(service, what, lastSeen + ". The host is left as it was at this step", clock.Elapsed, step);
            WriteProgress(new ProgressRecord(ProgressActivityId, $"Resume {service}", $"Waiting ({step}): {lastSeen}")
            {
                CurrentOperation = $"{clock.Elapsed.TotalSeconds:0} of {TimeoutSec} s",
            });
            var pause = TimeSpan.FromSeconds(Math.Min(PollIntervalSec, Math.Ceiling(left.TotalSeconds)));
            Run(token => Task.Delay(pause, token));
        }

        private ComputeService Read(IComputeServiceBackend backend, ComputeService service)
        {
            var listed = Run(token => backend.ListAsync(new ServiceQuery(service.Host, service.Binary), token));
            return ServiceIdentity.Find(listed, service)
                   ?? throw new ComputeServiceException(ErrorIds.ServiceNotFound, FailureKind.NotFound,
                       $"Could not find binary {service.Binary} on host {service.Host}: it was deleted while being resumed.")
                   {
                       Target = service,
                   };
        }
    }
}
