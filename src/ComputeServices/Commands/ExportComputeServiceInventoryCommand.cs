using System;
using System.IO;
using System.Management.Automation;
using ComputeServices.Inventory;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Rehearsal snapshots: writes a cloud's services, aggregates, instances per host and relevant migrations into a
    /// new local inventory, so a maintenance runbook can be rehearsed offline and give the answers it would give live.
    /// </summary>
    [Cmdlet(VerbsData.Export, "ComputeServiceInventory", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportComputeServiceInventoryCommand : ComputeServiceCmdletBase
    {
        /// <summary>The inventory file to write.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>Replace an existing file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            var path = ResolvePath(Path);
            var backend = Backend;
            if (!ShouldProcess(path, $"Export the compute services of {backend.Description} as an inventory")) return;
            try
            {
                var document = Run(token => backend.ExportAsync(token));
                new InventoryFile(path).Create(document, overwrite: Force);
                WriteVerbose($"Exported {document.Services.Count} services, {document.Instances.Count} instances, " +
                             $"{document.Migrations.Count} migrations and {document.Aggregates.Count} aggregates to '{path}'.");
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
            base.EndProcessing();
        }
    }
}
