using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using ComputeServices.Inventory;
using Xunit;
using Xunit.Abstractions;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>
    /// What another user on the host can plant at an inventory path: a symbolic link in a shared sticky folder, a file of
    /// theirs to be replaced, a second hard link. New inventories and exports never follow a link at their name and are
    /// always a new file of ours; a hard-linked inventory is refused rather than split.
    /// </summary>
    public class HostilePathTests
    {
        private const uint Nobody = 65534;
        private readonly ITestOutputHelper _output;

        public HostilePathTests(ITestOutputHelper output) => _output = output;

        private static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
        private static bool IsRoot => IsLinux && Environment.UserName == "root";

        private static void Run(string file, params string[] args)
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false })!;
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
        }

        private static (uint Uid, uint Mode, uint Links) Stat(string path)
        {
            var facts = UnixFiles.Stat(path, followLinks: false);
            return (facts.Uid!.Value, facts.Mode!.Value, facts.Links ?? 0);
        }

        /// <summary>A world-writable sticky folder like /tmp, of its own.</summary>
        private static TempInventory StickyFolder()
        {
            var t = Empty();
            File.SetUnixFileMode(t.Folder, (UnixFileMode)Convert.ToInt32("1777", 8));
            return t;
        }

        [Fact]
        public void AnExportOverALinkPlantedByAnotherUser_IsRefused_AndTheFileItPointsToIsUntouched()
        {
            if (!IsRoot) { _output.WriteLine("SKIPPED: needs root to play a second user."); return; }
            using var shared = StickyFolder();
            using var mine = Empty();
            var victim = Path.Combine(mine.Folder, "root-only.conf");
            File.WriteAllText(victim, "root's own file\n");
            var before = File.ReadAllBytes(victim);
            var planted = Path.Combine(shared.Folder, "snapshot.json");
            File.CreateSymbolicLink(planted, victim);
            Run("chown", "-h", $"{Nobody}:{Nobody}", planted);

            var ex = Assert.Throws<ComputeServiceException>(() => new InventoryFile(planted).Create(SampleInventory.Create(Now), overwrite: true));
            Assert.Equal(ErrorIds.InvalidInventoryPath, ex.ErrorId);
            Assert.Contains("symbolic link", ex.Message);
            Assert.Equal(before, File.ReadAllBytes(victim));
            Assert.Equal(victim, new FileInfo(planted).LinkTarget);
            Assert.Empty(Directory.GetFiles(mine.Folder, "*.lock*"));
            Assert.Empty(Directory.GetFiles(mine.Folder, ".*"));
        }

        [Fact]
        public void ANewInventoryAtADanglingLink_IsRefused_AndNothingIsCreatedWhereItPoints()
        {
            if (!IsLinux) { _output.WriteLine("SKIPPED: symbolic links are checked on Linux."); return; }
            using var shared = StickyFolder();
            using var mine = Empty();
            var wanted = Path.Combine(mine.Folder, "created-by-someone-else.json");
            var planted = Path.Combine(shared.Folder, "snapshot.json");
            File.CreateSymbolicLink(planted, wanted);
            if (IsRoot) Run("chown", "-h", $"{Nobody}:{Nobody}", planted);

            var ex = Assert.Throws<ComputeServiceException>(() => new InventoryFile(planted).Create(SampleInventory.Create(Now), overwrite: false));
            Assert.Equal(ErrorIds.InvalidInventoryPath, ex.ErrorId);
            Assert.False(File.Exists(wanted));
            Assert.Empty(Directory.GetFiles(mine.Folder));
        }

        [Theory]
        [InlineData(true)]  // another user's link: the kernel's protected_symlinks, where on, also stops root following it
        [InlineData(false)] // our own link (or protected_symlinks off): only O_NOFOLLOW stops it
        public void ALockFileLinkPlantedByAnotherUser_IsNotFollowed_NothingIsCreatedWhereItPoints(bool plantedByNobody)
        {
            if (!IsLinux) { _output.WriteLine("SKIPPED: O_NOFOLLOW is used on Linux."); return; }
            using var shared = StickyFolder();
            using var mine = Empty();
            var wanted = Path.Combine(mine.Folder, "nologin");
            var inventory = Path.Combine(shared.Folder, "snapshot.json");
            File.CreateSymbolicLink(inventory + ".lock", wanted);
            if (IsRoot && plantedByNobody) Run("chown", "-h", $"{Nobody}:{Nobody}", inventory + ".lock");

            var ex = Assert.Throws<ComputeServiceException>(() => new InventoryFile(inventory).Create(SampleInventory.Create(Now), overwrite: true));
            Assert.Equal(ErrorIds.InvalidInventoryPath, ex.ErrorId);
            Assert.Contains("lock file", ex.Message);
            Assert.False(File.Exists(wanted));
            Assert.False(File.Exists(inventory));
        }

        [Fact]
        public void AnExportOverAnotherUsersFile_IsANewFileOfOurs_ThatTheyCannotRead()
        {
            if (!IsRoot) { _output.WriteLine("SKIPPED: needs root to play a second user."); return; }
            using var shared = StickyFolder();
            var theirs = Path.Combine(shared.Folder, "snapshot.json");
            File.WriteAllText(theirs, "{}");
            File.SetUnixFileMode(theirs, (UnixFileMode)Convert.ToInt32("644", 8));
            Run("chown", $"{Nobody}:{Nobody}", theirs);
            using var opened = new FileStream(theirs, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete); // what they hold open

            new InventoryFile(theirs).Create(SampleInventory.Create(Now), overwrite: true);

            var (uid, mode, _) = Stat(theirs);
            Assert.Equal(0u, uid);
            Assert.Equal(Convert.ToUInt32("600", 8), mode);
            Assert.Equal("{}", new StreamReader(opened).ReadToEnd()); // their old file, not the snapshot
            Assert.NotEmpty(new InventoryFile(theirs).Read().Services);
            // And as that user: the snapshot cannot be read.
            using var cat = Process.Start(new ProcessStartInfo("setpriv", new[] { $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "cat", theirs })
                { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })!;
            var output = cat.StandardOutput.ReadToEnd();
            cat.WaitForExit();
            Assert.NotEqual(0, cat.ExitCode);
            Assert.Equal("", output);
        }

        [Fact]
        public void AHardLinkedInventory_IsNotChanged_NeitherNameSplits()
        {
            if (!IsLinux) { _output.WriteLine("SKIPPED: link counts are read on Linux."); return; }
            using var t = Sample();
            var other = Path.Combine(t.Folder, "other-name.json");
            Run("ln", t.Path, other);
            var before = t.Bytes();
            var backend = t.Backend();
            var free = Ops.Resolve(backend, "compute-free-01"); // reading is fine

            var ex = Assert.Throws<ComputeServiceException>(() => Ops.Update(backend, free, ServiceChange.Disable("x")));
            Assert.Equal(ErrorIds.InvalidInventoryPath, ex.ErrorId);
            Assert.Contains("2 hard links", ex.Message);
            Assert.Equal(ErrorIds.InvalidInventoryPath, Assert.Throws<ComputeServiceException>(() => new InventoryFile(other).Create(SampleInventory.Create(Now), overwrite: true)).ErrorId);
            Assert.Equal(before, t.Bytes());
            Assert.Equal(before, File.ReadAllBytes(other));
            Assert.Equal(2u, Stat(t.Path).Links);
            Assert.Empty(t.TempFiles());

            File.Delete(other); // one name again: changes work
            Ops.Update(backend, free, ServiceChange.Disable("x"));
            Assert.Equal("x", Ops.Resolve(backend, "compute-free-01").DisabledReason);
        }

        [Fact]
        public void AHardLinkAddedWhileTheLockIsHeld_IsCaughtAtTheCommit()
        {
            if (!IsLinux) { _output.WriteLine("SKIPPED: link counts are read on Linux."); return; }
            using var t = Sample();
            var before = t.Bytes();
            using (var writeLock = t.OpenFile().Lock())
            {
                var document = writeLock.Read();
                Run("ln", t.Path, Path.Combine(t.Folder, "late.json"));
                Assert.Equal(ErrorIds.InvalidInventoryPath, Assert.Throws<ComputeServiceException>(() => writeLock.Commit(document)).ErrorId);
            }
            Assert.Equal(before, t.Bytes());
        }

        [Theory]
        [InlineData(false, WindowsLinks.SymlinkTag, "Refuse")]
        [InlineData(false, WindowsLinks.MountPointTag, "Refuse")]
        [InlineData(true, WindowsLinks.SymlinkTag, "FollowLink")]
        [InlineData(true, WindowsLinks.MountPointTag, "FollowLink")]
        [InlineData(false, null, "AsGiven")]
        [InlineData(false, 0x9000601Au, "AsGiven")] // a OneDrive (cloud files) placeholder is a file to its user
        [InlineData(false, 0x80000013u, "AsGiven")] // a deduplicated file
        public void OnWindows_ALinkIsFollowedWherePowerShellCan_AndRefusedOnWindowsPowerShell(bool canResolveLinks, uint? tag, string expected)
            => Assert.Equal(expected, WindowsLinks.ForWrite(canResolveLinks, tag).ToString());

        [Fact]
        public void OnWindowsPowerShell_TheRefusalSaysWhyAndWhatToDo()
        {
            var ex = WindowsLinks.Refused(@"C:\ops\inventory.json");
            Assert.Equal(ErrorIds.InvalidInventoryPath, ex.ErrorId);
            Assert.Contains("replace the link with a plain file", ex.Message);
            Assert.Contains("PowerShell 7", ex.Message);
        }
    }
}
