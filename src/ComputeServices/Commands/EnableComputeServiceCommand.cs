using System.Management.Automation;
using ComputeServices.Batch;
using ComputeServices.Rules;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Lets the scheduler place instances on the services again, and clears their disabled reason. With -IfOwner only
    /// the services whose current reason that owner holds are enabled: the backend decides that on the service as it is
    /// when the change is applied (under the inventory's write lock; against Nova on the record read just before).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Enable, "ComputeService", SupportsShouldProcess = true, DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class EnableComputeServiceCommand : ServiceCmdletBase
    {
        /// <summary>Enable only the services that this owner disabled (their current reason starts with [owner]).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? IfOwner { get; set; }

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

        private ServiceChange Change => ServiceChange.Enable().When(IfOwner == null ? null : OwnershipCheck.EnableIfOwner(IfOwner));

        protected override string Action => "Enable compute service";
        protected override string Verb => "enable";
        protected override bool ChangesServices => true;
        protected override bool WritesResults => PassThru;
        protected override BatchOptions BatchOptions => new BatchOptions { ThrottleLimit = ThrottleLimit, MaxCount = MaxCount };

        protected override void BeginProcessing()
        {
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
