using System.Management.Automation;
using ComputeServices.Batch;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Marks services as forced down (after fencing the host, so instances can be evacuated), or clears the flag.
    /// With -Disable it is evacuation prep in one step: forced down and disabled in a single request where the
    /// microversion allows (2.53+), forced down first where it does not (the order fence agents use).
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "ComputeServiceForcedDown", SupportsShouldProcess = true, DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(ComputeService))]
    public sealed class SetComputeServiceForcedDownCommand : ServiceCmdletBase
    {
        /// <summary>$true to force the services down, $false to let their heartbeat decide again.</summary>
        [Parameter(Mandatory = true)]
        public bool ForcedDown { get; set; }

        /// <summary>Also disable the services, in the same request (evacuation prep).</summary>
        [Parameter]
        public SwitchParameter Disable { get; set; }

        /// <summary>With -Disable: why the services are disabled (1 to 255 characters).</summary>
        [Parameter]
        [Alias("DisabledReason")]
        public string? Reason { get; set; }

        /// <summary>Force down even when more than half of the cloud's computes already report down.</summary>
        [Parameter]
        public SwitchParameter SkipFleetCheck { get; set; }

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

        private ServiceChange Change => new ServiceChange(Disable ? ServiceStatus.Disabled : null, Reason, ForcedDown);

        protected override string Action
        {
            get
            {
                var action = ForcedDown ? "Set forced_down=true" : "Set forced_down=false";
                if (Disable) action += Reason == null ? " and disable" : $" and disable (reason: '{Reason}')";
                return action + " on compute service";
            }
        }

        protected override string Verb => "update";
        protected override bool ChangesServices => true;
        protected override bool WritesResults => PassThru;
        protected override BatchOptions BatchOptions => new BatchOptions
        {
            ThrottleLimit = ThrottleLimit,
            MaxCount = MaxCount,
            FleetCheckAction = ForcedDown && !SkipFleetCheck ? "update compute services" : null,
        };

        protected override void BeginProcessing()
        {
            if (Reason != null && !Disable)
                ThrowTerminatingError(ErrorRecords.Usage(ErrorIds.InvalidServiceUpdate,
                    "-Reason needs -Disable: a disabled reason is recorded only when the service is disabled.", "Reason"));
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
