using System.Management.Automation;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Removal pre-flight: for each service, whether Nova would refuse to delete it and why (the instances on its
    /// host, the in-progress migrations it takes part in), without deleting anything.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "ComputeServiceRemoval", DefaultParameterSetName = ByInputObjectSet)]
    [OutputType(typeof(RemovalCheck))]
    public sealed class TestComputeServiceRemovalCommand : ServiceCmdletBase
    {
        protected override bool ResolvesForDelete => true;

        private protected override void Handle(ServiceTarget target)
        {
            var service = target.Service!;
            try
            {
                WriteObject(Run(token => target.Backend!.TestRemovalAsync(service, token)));
            }
            catch (ComputeServiceException ex)
            {
                Report(ex, service);
            }
        }
    }
}
