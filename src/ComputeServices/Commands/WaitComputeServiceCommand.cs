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
    /// per poll for all of them. A service that does not get there in time is a ServiceWaitTimeout error.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "ComputeService", DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class WaitComputeServiceCommand : ServiceTargetCmdletBase
    {
        private const int ProgressActivityId = 0x5C6;
        private readonly List<WaitTarget> _targets = new List<WaitTarget>();

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

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (Condition.IsEmpty)
                ThrowTerminatingError(ErrorRecords.Usage("MissingWaitCondition",
                    "Say what to wait for: -State up|down, -Registered, or -ForcedDown $true|$false.", null));
        }

        // With -Registered a host need not exist yet: its name is kept, not resolved.
        protected override void ProcessRecord()
        {
            if (!Registered)
            {
                base.ProcessRecord();
                return;
            }
            switch (ParameterSetName)
            {
                case ByIdSet:
                    foreach (var id in Id!) _targets.Add(new WaitTarget(null, ServiceRef.ById(id)));
                    break;
                case ByHostSet when Id != null:
                    foreach (var id in Id) _targets.Add(new WaitTarget(null, ServiceRef.ById(id)));
                    break;
                case ByHostSet:
                    foreach (var host in HostName!) _targets.Add(new WaitTarget(null, ServiceRef.ByHost(host, Binary)));
                    break;
                default:
                    foreach (var service in InputObject!) _targets.Add(new WaitTarget(service, null));
                    break;
            }
        }

        protected override void Process(ComputeService service) => _targets.Add(new WaitTarget(service, null));

        protected override void EndProcessing()
        {
            if (_targets.Count > 0) WaitForAll();
            base.EndProcessing();
        }

        private void WaitForAll()
        {
            var condition = Condition;
            var timeout = TimeSpan.FromSeconds(TimeoutSec);
            var clock = Stopwatch.StartNew();
            // Each target is watched where it lives: one listing per poll and place, whatever the number of targets.
            var places = new List<(IComputeServiceBackend Backend, List<WaitTarget> Targets, ServiceQuery Query)>();
            foreach (var group in _targets.GroupBy(PlaceOf))
            {
                if (group.Key == null) continue;
                var targets = group.ToList();
                places.Add((group.Key, targets, QueryFor(targets)));
            }
            WriteVerbose($"Waiting up to {TimeoutSec} s for {_targets.Count} compute service(s) to be {condition}, polling every {PollIntervalSec} s.");
            try
            {
                while (true)
                {
                    foreach (var place in places.Where(p => p.Targets.Any(t => !t.Reached)))
                    {
                        var listing = Run(token => place.Backend.ListAsync(place.Query, token));
                        foreach (var target in place.Targets.Where(t => !t.Reached))
                        {
                            if (!target.Observe(listing, condition)) continue;
                            WriteVerbose($"{target} is {condition} after {clock.Elapsed.TotalSeconds:0} s.");
                            if (PassThru && target.LastSeen != null) WriteObject(target.LastSeen);
                        }
                    }
                    var waiting = places.SelectMany(p => p.Targets).Where(t => !t.Reached).ToList();
                    if (waiting.Count == 0) return;
                    var left = timeout - clock.Elapsed;
                    if (left <= TimeSpan.Zero)
                    {
                        foreach (var target in waiting) Report(target.Timeout(condition, clock.Elapsed), target.Service ?? (object)target.Reference);
                        return;
                    }
                    ShowProgress(condition, waiting, clock.Elapsed);
                    var pause = TimeSpan.FromSeconds(Math.Min(PollIntervalSec, Math.Ceiling(left.TotalSeconds)));
                    Run(token => Task.Delay(pause, token));
                }
            }
            finally
            {
                WriteProgress(new ProgressRecord(ProgressActivityId, "Waiting for compute services", "Done") { RecordType = ProgressRecordType.Completed });
            }
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

        // A piped service is watched where it was listed; a name (-Registered) in the command's backend. A place this
        // runspace cannot reach is that target's error (TargetMismatch), and the others are still watched.
        private IComputeServiceBackend? PlaceOf(WaitTarget target)
        {
            try
            {
                return target.Service != null ? BackendOf(target.Service) : Backend;
            }
            catch (ComputeServiceException ex)
            {
                Report(ex, target.Service ?? (object)target.Reference);
                return null;
            }
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
