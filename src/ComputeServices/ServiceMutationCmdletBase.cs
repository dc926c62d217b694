using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace ComputeServices.Commands
{
    /// <summary>
    /// The shape shared by every cmdlet that changes services: three ways to name a service, resolution first,
    /// then one ShouldProcess per service with a readable target, then the engine call.
    /// </summary>
    public abstract class ServiceMutationCmdletBase : ComputeServiceCmdletBase
    {
        protected const string ByInputObjectSet = "ByInputObject";
        protected const string ByIdSet = "ById";
        protected const string ByHostSet = "ByHost";

        /// <summary>Services from Get-ComputeService.</summary>
        [Parameter(ParameterSetName = ByInputObjectSet, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public ComputeService[]? InputObject { get; set; }

        /// <summary>Service ids: UUIDs (or legacy integer ids); also piped strings and objects with an Id property.</summary>
        /// <remarks>
        /// Also declared, optional and by property name only, in the ByHost set: a piped row with both Id and Host
        /// (an exported ComputeService, a CSV line) then binds there without ambiguity, and its Id wins.
        /// </remarks>
        [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ByHostSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
        [ValidateNotNullOrEmpty]
        public string[]? Id { get; set; }

        /// <summary>Host names, exactly as Nova registered them.</summary>
        [Parameter(ParameterSetName = ByHostSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Host")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[]? HostName { get; set; }

        /// <summary>The service binary on those hosts; nova-compute unless given.</summary>
        [Parameter(ParameterSetName = ByHostSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(BinaryCompleter))]
        public string Binary { get; set; } = ServiceBinaries.Compute;

        /// <summary>Write the updated service to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The ShouldProcess action text, e.g. "Disable compute service".</summary>
        protected abstract string Action { get; }

        /// <summary>Does the work on one resolved service; returns the service as it is afterwards, or null when gone.</summary>
        protected abstract ComputeService? Apply(ComputeService service);

        /// <summary>Asks whether to go on with one service. Remove overrides it for -Force.</summary>
        protected virtual bool Confirm(ComputeService service) => ShouldProcess(service.ToString(), Action);

        protected override void ProcessRecord()
        {
            foreach (var target in Targets())
            {
                ComputeService service;
                try
                {
                    service = target.Service ?? Run(token => Backend.ResolveAsync(target.Reference!, token));
                }
                catch (ComputeServiceException ex)
                {
                    Report(ex, target.Reference);
                    continue;
                }

                if (!Confirm(service)) continue;
                try
                {
                    var result = Apply(service);
                    if (PassThru && result != null) WriteObject(result);
                }
                catch (ComputeServiceException ex)
                {
                    Report(ex, service);
                }
            }
        }

        private IEnumerable<(ComputeService? Service, ServiceRef? Reference)> Targets()
        {
            switch (ParameterSetName)
            {
                case ByIdSet:
                    foreach (var id in Id!) yield return (null, ServiceRef.ById(id));
                    break;
                case ByHostSet when Id != null:
                    foreach (var id in Id) yield return (null, ServiceRef.ById(id));
                    break;
                case ByHostSet:
                    foreach (var host in HostName!) yield return (null, ServiceRef.ByHost(host, Binary));
                    break;
                default:
                    // A down-cell record (2.69) has no id: it can only be found again by host and binary.
                    foreach (var service in InputObject!)
                        yield return string.IsNullOrEmpty(service.Id)
                            ? (null, ServiceRef.ByHost(service.Host, service.Binary))
                            : (service, null);
                    break;
            }
        }
    }
}
