using System.Management.Automation;
using ComputeServices.Rules;

namespace ComputeServices.Commands
{
    // The blast-radius guard of every mutating cmdlet (issue 11): -MaxCount, and the fleet check that
    // Set-ComputeServiceForcedDown -ForcedDown $true and Remove-ComputeService ask for.
    public abstract partial class ServiceMutationCmdletBase
    {
        private int _changes;
        private int _succeeded;
        private readonly System.Collections.Generic.HashSet<IComputeServiceBackend> _fleetChecked = new System.Collections.Generic.HashSet<IComputeServiceBackend>();

        /// <summary>Stop (TooManyTargets) instead of changing more than this many services in one run.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? MaxCount { get; set; }

        /// <summary>Whether this run must first check that the fleet is not mostly down. Asked once, before the first change.</summary>
        protected virtual bool ChecksFleet => false;

        /// <summary>Runs after ShouldProcess said yes, before the work starts: -WhatIf and declined prompts count nothing.</summary>
        private void GuardBlastRadius(ComputeService service)
        {
            // Once per place: the fleet of the cloud (or inventory) this service lives in.
            if (ChecksFleet)
            {
                var backend = BackendOf(service);
                if (_fleetChecked.Add(backend)) EnsureFleetNotMostlyDown(backend);
            }
            _changes++;
            if (MaxCount.HasValue && _changes > MaxCount.Value) StopAtMaxCount(service);
        }

        // Work already started (-ThrottleLimit) is allowed to finish first, so the count is exact.
        private void StopAtMaxCount(ComputeService next)
        {
            DrainPending();
            var ex = BlastRadius.TooManyTargets(MaxCount!.Value, _succeeded, next);
            ex.RecommendedAction = $"{_changes - 1} service(s) were sent, {_succeeded} succeeded. " + ex.RecommendedAction;
            ThrowTerminatingError(ErrorRecords.From(ex, next));
        }

        private void EnsureFleetNotMostlyDown(IComputeServiceBackend backend)
        {
            try
            {
                var computes = Run(token => backend.ListAsync(new ServiceQuery(binary: ServiceBinaries.Compute), token));
                var health = BlastRadius.Assess(computes);
                WriteVerbose($"Fleet check: {health} (forced down counts as down; down-cell records are not counted).");
                BlastRadius.EnsureFleetNotMostlyDown(health, Verb + " compute services", backend.Description);
            }
            catch (ComputeServiceException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
            }
        }
    }
}
