using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>Inventory file failures reach the user as ErrorRecords with an ErrorId, and never stop a bulk run with a raw exception.</summary>
    public sealed class InventoryFileErrorTests
    {
        private static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        private static RuntimeException Terminating(string command, string parameter, object value)
        {
            using var ps = CmdletHost.Create();
            ps.AddCommand(command).AddParameter(parameter, value);
            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke());
            Assert.IsType<ComputeServiceException>(ex.ErrorRecord.Exception);
            Assert.NotNull(ex.ErrorRecord.ErrorDetails?.RecommendedAction);
            return ex;
        }

        private static UnixFileMode ModeOf(string path) => File.GetUnixFileMode(path) & (UnixFileMode)0x1FF;

        [Fact]
        public void AnUnwritableLockFile_StopsTheRunWithInventoryWriteFailed_NamingEveryChangeNotApplied()
        {
            using var inventory = new TempInventory();
            var before = inventory.Text();
            File.Delete(inventory.FilePath + ".lock");
            Directory.CreateDirectory(inventory.FilePath + ".lock");
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", new[] { "compute-free-01", "compute-free-02" }).AddParameter("Reason", "maintenance");

            // The pipeline's changes are one batch: its write failing is terminating (no later batch could fare better),
            // an ErrorRecord with an ErrorId, never a raw exception, and it names each change that was not applied.
            var record = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke()).ErrorRecord;
            Assert.Equal("InventoryWriteFailed,ComputeServices.Commands.DisableComputeServiceCommand", record.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.WriteError, record.CategoryInfo.Category);
            Assert.IsType<ComputeServiceException>(record.Exception);
            Assert.Contains("compute-free-01", record.Exception.Message);
            Assert.Contains("compute-free-02", record.Exception.Message);
            Assert.NotNull(record.ErrorDetails?.RecommendedAction);
            Assert.Equal(before, inventory.Text());
        }

        [Fact]
        public void ADirectoryAsInventoryPath_IsInventoryNotFound()
        {
            using var inventory = new TempInventory();
            var folder = Path.GetDirectoryName(inventory.FilePath)!;
            var ex = Terminating("Get-ComputeService", "InventoryPath", folder);
            Assert.StartsWith("InventoryNotFound,", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Contains("directory", ex.ErrorRecord.ErrorDetails!.Message);
        }

        [Fact]
        public void AFifoAsInventoryPath_IsInventoryNotFound_WithoutHanging()
        {
            if (!IsLinux) return;
            using var inventory = new TempInventory();
            var fifo = inventory.FilePath + ".fifo";
            using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", $"\"{fifo}\"") { UseShellExecute = false })!) mkfifo.WaitForExit();
            var run = Task.Run(() => Terminating("Get-ComputeService", "InventoryPath", fifo));
            Assert.True(run.Wait(TimeSpan.FromSeconds(30)), "Get-ComputeService on a FIFO hung");
            Assert.StartsWith("InventoryNotFound,", run.Result.ErrorRecord.FullyQualifiedErrorId);
            Assert.Contains("FIFO", run.Result.ErrorRecord.ErrorDetails!.Message);
        }

        [Fact]
        public void APathWithANulCharacter_IsInvalidInventoryPath()
        {
            var ex = Terminating("Get-ComputeService", "InventoryPath", "inventory\0.json");
            Assert.StartsWith("InvalidInventoryPath,", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, ex.ErrorRecord.CategoryInfo.Category);

            var created = Terminating("New-ComputeServiceInventory", "Path", Path.Combine(Path.GetTempPath(), "inventory\0.json"));
            Assert.StartsWith("InvalidInventoryPath,", created.ErrorRecord.FullyQualifiedErrorId);
        }

        [Fact]
        public void NewInventoryWhereItCannotBeWritten_IsInventoryWriteFailed()
        {
            using var inventory = new TempInventory();
            var ex = Terminating("New-ComputeServiceInventory", "Path", Path.Combine(inventory.FilePath, "inner.json"));
            Assert.StartsWith("InventoryWriteFailed,", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.WriteError, ex.ErrorRecord.CategoryInfo.Category);
        }

        [Fact]
        public void ExportForceOverASymbolicLink_IsInvalidInventoryPath_AndWhatItPointsToIsUntouched()
        {
            if (!IsLinux) return;
            using var inventory = new TempInventory();
            var folder = Path.GetDirectoryName(inventory.FilePath)!;
            var victim = Path.Combine(folder, "victim.conf");
            File.WriteAllText(victim, "not a snapshot\n");
            var link = Path.Combine(folder, "snapshot.json");
            File.CreateSymbolicLink(link, victim);
            using var ps = CmdletHost.Create();
            ps.AddCommand("Export-ComputeServiceInventory").AddParameter("InventoryPath", inventory.FilePath).AddParameter("Path", link).AddParameter("Force");

            var record = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke()).ErrorRecord;

            Assert.Equal("InvalidInventoryPath,ComputeServices.Commands.ExportComputeServiceInventoryCommand", record.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
            Assert.Contains("symbolic link", record.Exception.Message);
            Assert.Equal("not a snapshot\n", File.ReadAllText(victim));
        }

        [Fact]
        public void DisablingOnAHardLinkedInventory_IsInvalidInventoryPath_AndNeitherNameChanges()
        {
            if (!IsLinux) return;
            using var inventory = new TempInventory();
            var other = Path.Combine(Path.GetDirectoryName(inventory.FilePath)!, "other.json");
            using (var ln = Process.Start(new ProcessStartInfo("ln", new[] { inventory.FilePath, other }) { UseShellExecute = false })!) ln.WaitForExit();
            var before = inventory.Text();
            using var ps = CmdletHost.Create();
            ps.AddCommand("Disable-ComputeService").AddParameter("InventoryPath", inventory.FilePath)
                .AddParameter("HostName", "compute-free-01").AddParameter("Reason", "maintenance");

            var record = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke()).ErrorRecord;

            Assert.StartsWith("InvalidInventoryPath,", record.FullyQualifiedErrorId);
            Assert.Contains("hard links", record.Exception.Message);
            Assert.Equal(before, inventory.Text());
            Assert.Equal(before, File.ReadAllText(other));
        }

        [Fact]
        public void NewAndExportedInventories_AreReadableByTheirOwnerOnly()
        {
            if (!IsLinux) return;
            using var inventory = new TempInventory();
            var folder = Path.GetDirectoryName(inventory.FilePath)!;
            var created = Path.Combine(folder, "new.json");
            var exported = Path.Combine(folder, "export.json");
            using var ps = CmdletHost.Create();
            ps.AddCommand("New-ComputeServiceInventory").AddParameter("Path", created).AddParameter("Sample").AddStatement()
                .AddCommand("Export-ComputeServiceInventory").AddParameter("InventoryPath", inventory.FilePath).AddParameter("Path", exported);

            ps.Invoke();

            Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(created));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(exported));
        }
    }
}
