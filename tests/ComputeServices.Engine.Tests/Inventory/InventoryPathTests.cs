using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using ComputeServices.Inventory;
using Xunit;
using Xunit.Abstractions;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>
    /// The inventory path at its edges: symlinks (written and locked at the final target), permissions kept, and
    /// malformed paths, directories, FIFOs, devices and unwritable lock files reported with an ErrorId, never raw.
    /// </summary>
    public class InventoryPathTests
    {
        private static readonly bool IsUnix = !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        private readonly ITestOutputHelper _output;

        public InventoryPathTests(ITestOutputHelper output) => _output = output;

        private static void Increment(InventoryFile file) => file.Update(d => { ConcurrencyTests.Increment(d); return 0; });

        private static (string Mode, string Owner) StatOf(string path)
        {
            using var stat = Process.Start(new ProcessStartInfo("stat", $"-L -c \"%a %u:%g\" \"{path}\"") { RedirectStandardOutput = true, UseShellExecute = false })!;
            var parts = stat.StandardOutput.ReadToEnd().Trim().Split(' ');
            stat.WaitForExit();
            return (parts[0], parts[1]);
        }

        private static void Run(string file, string args)
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false })!;
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
        }

        [Fact]
        public void ASymlinkChain_StaysALink_TheTargetIsUpdated_AndLockedBesideTheTarget()
        {
            if (!IsUnix) { _output.WriteLine("SKIPPED: symlinks need privileges on Windows."); return; }
            using var t = With(Doc(Svc(1, "host-1", lastSeenUp: Now)));
            using var elsewhere = Empty();
            var link1 = Path.Combine(elsewhere.Folder, "link1.json");
            var link2 = Path.Combine(elsewhere.Folder, "link2.json");
            File.CreateSymbolicLink(link1, t.Path);
            File.CreateSymbolicLink(link2, "link1.json"); // relative, and a chain

            Increment(new InventoryFile(link2));
            Increment(new InventoryFile(link1));

            Assert.NotNull(new FileInfo(link1).LinkTarget);
            Assert.NotNull(new FileInfo(link2).LinkTarget);
            Assert.Equal(2, ConcurrencyTests.Counter(t.Read()));
            Assert.True(File.Exists(t.Path + ".lock"));
            Assert.Empty(Directory.GetFiles(elsewhere.Folder, "*.lock"));
            Assert.Empty(Directory.GetFiles(elsewhere.Folder, ".*"));
            Assert.Equal(new InventoryFile(t.Path).LockPath, new InventoryFile(link2).LockPath);
            Assert.Equal(t.Path, new InventoryFile(link2).TargetPath);
        }

        [Fact]
        public void TwoNamesOfOneInventory_ShareOneLock()
        {
            if (!IsUnix) { _output.WriteLine("SKIPPED: symlinks need privileges on Windows."); return; }
            using var t = With(Doc(Svc(1, "host-1", lastSeenUp: Now)));
            var link = Path.Combine(t.Folder, "link.json");
            File.CreateSymbolicLink(link, t.Path);
            var before = t.Bytes();

            using (new InventoryFile(t.Path).Lock())
            {
                var ex = Assert.Throws<ComputeServiceException>(() => Increment(new InventoryFile(link, TimeSpan.FromMilliseconds(300))));
                Assert.Equal(ErrorIds.InventoryLocked, ex.ErrorId);
            }
            Assert.Equal(before, t.Bytes());
        }

        [Fact]
        public void AnUpdate_KeepsTheFilesModeAndOwner_AndNewAndReplacedFilesAreOwnerOnly()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) { _output.WriteLine("SKIPPED: modes and owners are checked on Linux."); return; }
            using var t = With(Doc(Svc(1, "host-1", lastSeenUp: Now)));
            Assert.Equal("600", StatOf(t.Path).Mode);

            File.SetUnixFileMode(t.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            var root = Environment.UserName == "root";
            if (root) Run("chown", $"1234:2345 \"{t.Path}\"");
            Increment(t.OpenFile());
            Assert.Equal("640", StatOf(t.Path).Mode);
            if (root) Assert.Equal("1234:2345", StatOf(t.Path).Owner);
            else _output.WriteLine("Owner not checked: only root may give a file away.");

            var replaced = Path.Combine(t.Folder, "replaced.json");
            new InventoryFile(replaced).Create(SampleInventory.Empty(), overwrite: false);
            File.SetUnixFileMode(replaced, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            new InventoryFile(replaced).Create(SampleInventory.Create(Now), overwrite: true);
            Assert.Equal("600", StatOf(replaced).Mode); // a replaced file is a new one: never the old one's mode or owner
        }

        [Theory]
        [InlineData("inventory\0.json", "NUL")]
        [InlineData("", "empty")]
        [InlineData("   ", "empty")]
        [InlineData("some/folder/", "folder")]
        public void AMalformedPath_IsInvalidInventoryPath(string path, string mentioned)
        {
            var ex = Assert.Throws<ComputeServiceException>(() => new InventoryFile(path));
            Assert.Equal(ErrorIds.InvalidInventoryPath, ex.ErrorId);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
            Assert.Contains(mentioned, ex.Message);
            Assert.True(ex.Message.IndexOf('\0') < 0, "the message holds a raw NUL");
            Assert.NotNull(ex.RecommendedAction);
        }

        [Fact]
        public void ADirectory_IsNotFound_ForReadsAndUpdates_AndAWriteFailureForCreate()
        {
            using var t = Empty();
            var ex = Assert.Throws<ComputeServiceException>(() => new InventoryFile(t.Folder).Read());
            Assert.Equal(ErrorIds.InventoryNotFound, ex.ErrorId);
            Assert.Contains("not a regular file", ex.Message);
            Assert.Contains("directory", ex.Message);
            Assert.Equal(ErrorIds.InventoryNotFound, Assert.Throws<ComputeServiceException>(() => Increment(new InventoryFile(t.Folder))).ErrorId);
            Assert.Equal(ErrorIds.InventoryNotFound, Assert.Throws<ComputeServiceException>(() => Ops.List(new InventoryBackend(t.Folder))).ErrorId);
            var create = Assert.Throws<ComputeServiceException>(() => new InventoryFile(t.Folder).Create(SampleInventory.Empty(), overwrite: true));
            Assert.Equal(ErrorIds.InventoryWriteFailed, create.ErrorId);
            Assert.True(Directory.Exists(t.Folder));
        }

        [Theory]
        [InlineData("fifo", "FIFO")]
        [InlineData("/dev/null", "character device")]
        public void AFifoOrDevice_IsRefusedBeforeItIsOpened(string name, string mentioned)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) { _output.WriteLine("SKIPPED: file types are checked on Linux."); return; }
            using var t = Empty();
            var path = name.StartsWith("/", StringComparison.Ordinal) ? name : Path.Combine(t.Folder, name);
            if (!File.Exists(path)) Run("mkfifo", $"\"{path}\"");

            // Opening a FIFO for reading waits for a writer forever: run it where a hang fails the test instead of stalling it.
            var read = Task.Run(() => Assert.Throws<ComputeServiceException>(() => new InventoryFile(path).Read()));
            Assert.True(read.Wait(TimeSpan.FromSeconds(20)), "reading a FIFO hung");
            Assert.Equal(ErrorIds.InventoryNotFound, read.Result.ErrorId);
            Assert.Contains(mentioned, read.Result.Message);
            var update = Task.Run(() => Assert.Throws<ComputeServiceException>(() => Increment(new InventoryFile(path))));
            Assert.True(update.Wait(TimeSpan.FromSeconds(20)), "updating a FIFO hung");
            Assert.Equal(ErrorIds.InventoryNotFound, update.Result.ErrorId);
            if (path.StartsWith(t.Folder, StringComparison.Ordinal))
            {
                var create = Assert.Throws<ComputeServiceException>(() => new InventoryFile(path).Create(SampleInventory.Empty(), overwrite: true));
                Assert.Equal(ErrorIds.InventoryWriteFailed, create.ErrorId);
                Assert.Empty(t.TempFiles());
            }
        }

        [Fact]
        public void AnUnwritableLockFile_IsInventoryWriteFailed_AndTheFileIsUnchanged()
        {
            using var t = Sample();
            var before = t.Bytes();
            File.Delete(t.Path + ".lock");
            Directory.CreateDirectory(t.Path + ".lock"); // cannot be opened for writing, whoever we are
            var backend = t.Backend();
            var ex = Assert.Throws<ComputeServiceException>(() => Ops.Update(backend, Ops.Resolve(backend, "compute-free-01"), ServiceChange.Disable("x")));
            Assert.Equal(ErrorIds.InventoryWriteFailed, ex.ErrorId);
            Assert.Equal(FailureKind.WriteFailed, ex.Kind);
            Assert.Contains(".lock", ex.Message);
            Assert.Equal(t.Path, ex.Target);
            Assert.Equal(before, t.Bytes());
            Assert.Empty(t.TempFiles());
        }

        [Fact]
        public void CreatingUnderAFileInsteadOfAFolder_IsInventoryWriteFailed()
        {
            using var t = Sample();
            var ex = Assert.Throws<ComputeServiceException>(() => new InventoryFile(Path.Combine(t.Path, "inner.json")).Create(SampleInventory.Empty(), false));
            Assert.Equal(ErrorIds.InventoryWriteFailed, ex.ErrorId);
        }

        [Fact]
        public void ASymlinkLoop_IsInvalidInventoryPath()
        {
            if (!IsUnix) { _output.WriteLine("SKIPPED: symlinks need privileges on Windows."); return; }
            using var t = Empty();
            var a = Path.Combine(t.Folder, "a.json");
            var b = Path.Combine(t.Folder, "b.json");
            File.CreateSymbolicLink(a, b);
            File.CreateSymbolicLink(b, a);
            var ex = Assert.Throws<ComputeServiceException>(() => new InventoryFile(a).Read());
            Assert.Equal(ErrorIds.InvalidInventoryPath, ex.ErrorId);
            Assert.Equal(ErrorIds.InvalidInventoryPath, Assert.Throws<ComputeServiceException>(() => new InventoryFile(a).Create(SampleInventory.Empty(), true)).ErrorId);
        }

        [Fact]
        public void UpdatingInAMissingFolder_IsInventoryNotFound()
        {
            using var t = Empty();
            var ex = Assert.Throws<ComputeServiceException>(() => Increment(new InventoryFile(Path.Combine(t.Folder, "gone", "inventory.json"))));
            Assert.Equal(ErrorIds.InventoryNotFound, ex.ErrorId);
        }
    }
}
