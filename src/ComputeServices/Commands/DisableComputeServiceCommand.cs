using System.Management.Automation;
using ComputeServices.Batch;
using ComputeServices.Rules;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Stops the scheduler from placing instances on the services, optionally recording why. With -Owner the reason is
    /// written as "[owner] reason (ticket)", and a disable that someone else holds is never overwritten unless -TakeOver:
    /// the backend decides that on the service as it is when the change is applied (under the inventory's write lock).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Disable, "ComputeService", SupportsShouldProcess = true, DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class DisableComputeServiceCommand : ServiceCmdletBase
    {
        /// <summary>Why the service is disabled (1 to 255 characters). Without it, any earlier reason is cleared, as Nova does.</summary>
        [Parameter]
        [Alias("DisabledReason")]
        public string? Reason { get; set; }

        /// <summary>Who holds the disable (a team, a runbook, a tool): written into the reason as [owner].</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Owner { get; set; }

        /// <summary>A change or incident ticket, written into the reason as (ticket). Needs -Owner.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Ticket { get; set; }

        /// <summary>With -Owner: also overwrite disables that another owner, Nova or an HA tool holds.</summary>
        [Parameter]
        public SwitchParameter TakeOver { get; set; }

        /// <summary>Write the service, as it is afterwards, to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>How many services are worked on at once (remote requests run concurrently; output keeps the input order).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 1;

        /// <summary>Stop (TooManyTargets) instead of changing more than this many services in one run.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? MaxCount { get; set; }

        private string? EffectiveReason => Owner == null ? Reason : DisabledReasonFormat.Format(Owner, Reason, Ticket);

        private ServiceChange Change => ServiceChange.Disable(EffectiveReason)
            .When(Owner != null && !TakeOver ? OwnershipCheck.DisableAs(Owner) : null);

        protected override string Action => EffectiveReason == null ? "Disable compute service" : $"Disable compute service (reason: '{EffectiveReason}')";
        protected override string Verb => "disable";
        protected override bool ChangesServices => true;
        protected override bool WritesResults => PassThru;
        protected override BatchOptions BatchOptions => new BatchOptions { ThrottleLimit = ThrottleLimit, MaxCount = MaxCount };

        protected override void BeginProcessing()
        {
            if (Owner == null && (Ticket != null || TakeOver))
                ThrowTerminatingError(ErrorRecords.Usage(ErrorIds.InvalidServiceUpdate,
                    "-Ticket and -TakeOver need -Owner: they are about who holds the disable.", Ticket != null ? "Ticket" : "TakeOver"));
            base.BeginProcessing();
            ValidateChange(() => Change);
        }

        private protected override void Handle(ServiceTarget target)
        {
            var change = Change;
            Submit(target, async (backend, service, token) => await backend.UpdateAsync(service, change, token).ConfigureAwait(false));
        }
    }
}
