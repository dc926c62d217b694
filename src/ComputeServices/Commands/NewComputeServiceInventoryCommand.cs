using System;
using System.IO;
using System.Management.Automation;
using ComputeServices.Inventory;

namespace ComputeServices.Commands
{
    /// <summary>Creates a local inventory file: empty, or the sample that mirrors the Nova sandbox's seeded data.</summary>
    [Cmdlet(VerbsCommon.New, "ComputeServiceInventory", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class NewComputeServiceInventoryCommand : PSCmdlet
    {
        /// <summary>The file to create; the per-user inventory when not given.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Fill it with the sample data (controllers, busy, migrating, free, down and forced-down computes).</summary>
        [Parameter]
        public SwitchParameter Sample { get; set; }

        /// <summary>Replace an existing file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            var path = Path != null
                ? GetUnresolvedProviderPathFromPSPath(Path)
                : Session.BackendLocator.PerUserInventory(Config.CloudConfigEnvironment.FromProcess());
            var what = Sample ? "Create sample compute service inventory" : "Create empty compute service inventory";
            if (!ShouldProcess(path, what)) return;
            try
            {
                var document = Sample ? SampleInventory.Create(DateTime.UtcNow) : SampleInventory.Empty();
                new InventoryFile(path).Create(document, overwrite: Force);
            }
            catch (ComputeServiceException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, path));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ErrorIds.InventoryWriteFailed, ErrorCategory.WriteError, path));
            }
            WriteObject(new FileInfo(path));
        }
    }
}
