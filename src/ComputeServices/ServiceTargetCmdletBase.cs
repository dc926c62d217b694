using System.Collections.Generic;
using System.Management.Automation;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Cmdlets that act on named services. Three ways to name one: piped ComputeService objects (the default set),
    /// ids (also piped strings and objects with an Id), or host and binary. Each is resolved before it is handled.
    /// </summary>
    public abstract class ServiceTargetCmdletBase : ComputeServiceCmdletBase
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

        /// <summary>How many services this invocation was handed at once, when known up front (for progress).</summary>
        protected int BatchSize => ParameterSetName switch
        {
            ByIdSet => Id?.Length ?? 0,
            ByHostSet when Id != null => Id.Length,
            ByHostSet => HostName?.Length ?? 0,
            _ => InputObject?.Length ?? 0,
        };

        /// <summary>True for cmdlets that delete (or check a delete): an unknown id is then worded as Nova's DELETE words it.</summary>
        protected virtual bool ResolvesForDelete => false;

        /// <summary>Handles one resolved service.</summary>
        protected abstract void Process(ComputeService service);

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
                    OnResolveFailed();
                    Report(ex, target.Reference);
                    continue;
                }
                Process(service);
            }
        }

        /// <summary>Lets bulk cmdlets count a service that could not even be found as a failure.</summary>
        protected virtual void OnResolveFailed()
        {
        }

        private IEnumerable<(ComputeService? Service, ServiceRef? Reference)> Targets()
        {
            switch (ParameterSetName)
            {
                case ByIdSet:
                    foreach (var id in Id!) yield return (null, ServiceRef.ById(id, ResolvesForDelete));
                    break;
                case ByHostSet when Id != null:
                    foreach (var id in Id) yield return (null, ServiceRef.ById(id, ResolvesForDelete));
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
