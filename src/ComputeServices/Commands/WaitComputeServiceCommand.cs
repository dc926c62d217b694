using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ComputeServices.Maintenance;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Waits until each service meets every condition given (-State, -Registered, -ForcedDown), with one list request
    /// per poll and place for all of them. -TimeoutSec is a deadline for the whole command: requests retry transient
    /// failures until it, and no retry wait is started that would end past it. A service that does not get there in
    /// time is a ServiceWaitTimeout error.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "ComputeService", DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class WaitComputeServiceCommand : ServiceCmdletBase
    {
        private const int ProgressActivityId = 0x5C6;
        private readonly List<(WaitTarget Target, IComputeServiceBackend Backend)> _targets = new List<(WaitTarget, IComputeServiceBackend)>();
        private readonly HashSet<WaitTarget> _toldForcedDown = new HashSet<WaitTarget>();
        private Stopwatch _clock = new Stopwatch();

        /// <summary>Wait until the services report this state: up or down.</summary>
        [Parameter]
        [ValidateSet(ServiceState.Up, ServiceState.Down)]
        public string? State { get; set; }

        /// <summary>Wait until the services appear in the listing at all (a new host, after a deploy).</summary>
        [Parameter]
        public SwitchParameter Registered { get; set; }

        /// <summary>Wait until the services' forced_down flag has this value.</summary>
        [Parameter]
        public bool ForcedDown { get; set; }

        /// <summary>How long to wait in all, in seconds.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int TimeoutSec { get; set; } = 300;

        /// <summary>Seconds between two list requests.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int PollIntervalSec { get; set; } = 5;

        /// <summary>Write each service to the pipeline as soon as it meets the condition.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private WaitCondition Condition => new WaitCondition(State, Registered,
            MyInvocation.BoundParameters.ContainsKey(nameof(ForcedDown)) ? ForcedDown : (bool?)null);

        // With -Registered a host need not exist yet: its name is kept, not resolved.
        protected override bool KeepsNames => Registered;

        private DateTime Deadline => DateTime.UtcNow + (TimeSpan.FromSeconds(TimeoutSec) - _clock.Elapsed);

        protected override void BeginProcessing()
        {
            _clock = Stopwatch.StartNew();
            base.BeginProcessing();
            if (Condition.IsEmpty)
                ThrowTerminatingError(ErrorRecords.Usage("MissingWaitCondition",
                    "Say what to wait for: -State up|down, -Registered, or -ForcedDown $true|$false.", null));
        }

        protected override void ProcessRecord()
        {
            using (CommandDeadline.Begin(Deadline)) base.ProcessRecord();
        }

        private protected override void Handle(ServiceTarget target)
            => _targets.Add((new WaitTarget(target.Service, target.Service == null ? target.Reference : null), target.Backend!));

        protected override void EndProcessing()
        {
            if (_targets.Count > 0)
                using (CommandDeadline.Begin(Deadline)) WaitForAll();
            base.EndProcessing();
        }

        private void WaitForAll()
        {
            var condition = Condition;
            var timeout = TimeSpan.FromSeconds(TimeoutSec);
            foreach (var backend in _targets.Select(t => t.Backend).Distinct())
            {
                try
                {
                    Run(token => WaitSupport.EnsureObservableAsync(backend, condition, token));
                }
                catch (ComputeServiceException ex)
                {
                    ThrowTerminatingError(ErrorRecords.From(ex));
                    throw;
                }
            }
            // Each target is watched where it lives: one listing per poll and place, whatever the number of targets.
            var places = _targets.GroupBy(t => t.Backend)
                .Select(g => (Backend: g.Key, Targets: g.Select(t => t.Target).ToList()))
                .Select(p => (p.Backend, p.Targets, Query: QueryFor(p.Targets)))
                .ToList();
            WriteVerbose($"Waiting up to {TimeoutSec} s for {_targets.Count} compute service(s) to be {condition}, polling every {PollIntervalSec} s.");
            try
            {
                while (true)
                {
                    foreach (var place in places.Where(p => p.Targets.Any(t => !t.Reached)))
                    {
                        IReadOnlyList<ComputeService> listing;
                        try
                        {
                            listing = Run(token => place.Backend.ListAsync(place.Query, token));
                        }
                        catch (ComputeServiceException ex) when (!ErrorRecords.IsTerminating(ex))
                        {
                            // Transient failures were retried inside the request as far as the deadline allows; this poll is lost, not the wait.
                            WriteVerbose($"Listing {place.Backend.Description} failed ({ex.Message}); trying again at the next poll while time is left.");
                            continue;
                        }
                        catch (ComputeServiceException ex)
                        {
                            ThrowTerminatingError(ErrorRecords.From(ex));
                            throw;
                        }
                        foreach (var target in place.Targets.Where(t => !t.Reached))
                        {
                            if (!target.Observe(listing, condition))
                            {
                                WarnForcedDown(target, condition);
                                continue;
                            }
                            WriteVerbose($"{target} is {condition} after {_clock.Elapsed.TotalSeconds:0} s.");
                            if (PassThru && target.LastSeen != null) WriteObject(target.LastSeen);
                        }
                    }
                    var waiting = places.SelectMany(p => p.Targets).Where(t => !t.Reached).ToList();
                    if (waiting.Count == 0) return;
                    var left = timeout - _clock.Elapsed;
                    if (left <= TimeSpan.Zero)
                    {
                        foreach (var target in waiting) Report(target.Timeout(condition, _clock.Elapsed), target.Service ?? (object)target.Reference);
                        return;
                    }
                    ShowProgress(condition, waiting, _clock.Elapsed);
                    var pause = TimeSpan.FromSeconds(Math.Min(PollIntervalSec, Math.Ceiling(left.TotalSeconds)));
                    Run(token => Task.Delay(pause, token));
                }
            }
            finally
            {
                WriteProgress(new ProgressRecord(ProgressActivityId, "Waiting for compute services", "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        // Forced down keeps a service down whatever its heartbeat: waiting for up cannot end by itself.
        private void WarnForcedDown(WaitTarget target, WaitCondition condition)
        {
            if (condition.State != ServiceState.Up || condition.ForcedDown == true || target.LastSeen?.ForcedDown != true) return;
            if (!_toldForcedDown.Add(target)) return;
            WriteWarning($"{target.LastSeen} is forced down: it stays down, whatever its heartbeat, until forced_down is cleared. " +
                         "Clear it with Set-ComputeServiceForcedDown -ForcedDown $false (or Resume-ComputeService).");
        }

        private void ShowProgress(WaitCondition condition, List<WaitTarget> waiting, TimeSpan elapsed)
        {
            var first = waiting[0];
            var status = waiting.Count == 1
                ? $"{first}: {first.Describe()}"
                : $"{waiting.Count} of {_targets.Count} not yet {condition}; {first}: {first.Describe()}";
            WriteProgress(new ProgressRecord(ProgressActivityId, $"Waiting for compute services to be {condition}", status)
            {
                CurrentOperation = $"{elapsed.TotalSeconds:0} of {TimeoutSec} s",
                PercentComplete = (int)((_targets.Count - waiting.Count) * 100L / _targets.Count),
            });
        }

        // One host: Nova filters server-side. Several: one full listing per poll, whatever their number.
        private static ServiceQuery QueryFor(List<WaitTarget> targets)
        {
            var first = targets[0].Reference;
            return targets.All(t => !t.Reference.IsById && t.Reference.Host == first.Host && t.Reference.Binary == first.Binary)
                ? new ServiceQuery(first.Host, first.Binary)
                : ServiceQuery.All;
        }
    }
}
