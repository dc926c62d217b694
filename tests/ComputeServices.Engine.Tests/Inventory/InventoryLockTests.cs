using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using ComputeServices.CrashTest;
using ComputeServices.Inventory;
using Xunit;
using Xunit.Abstractions;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>
    /// The lock beyond the OS lock: the owner file (so updates are not lost where flock does nothing), taking over
    /// the lock of a crashed writer, removing its temp files, and writers killed at random moments.
    /// </summary>
    public class InventoryLockTests
    {
        private readonly ITestOutputHelper _output;

        public InventoryLockTests(ITestOutputHelper output) => _output = output;

        private static void Increment(InventoryFile file) => file.Update(d => { ConcurrencyTests.Increment(d); return 0; });

        private static string OwnerFile(TempInventory t) => t.Path + ".lock.owner";

        private static void WriteOwner(TempInventory t, int pid, long started, string host, DateTime? touched = null)
        {
            File.WriteAllText(OwnerFile(t), string.Format(CultureInfo.InvariantCulture,
                "pid={0}\nstarted={1}\nhost={2}\ntoken=0123456789abcdef\ntime=2026-01-01T00:00:00Z\n", pid, started, host));
            if (touched != null) File.SetLastWriteTimeUtc(OwnerFile(t), touched.Value);
        }

        private static long StartTicks(Process p) => p.StartTime.ToUniversalTime().Ticks;

        [Fact]
        public void TempFilesOfCrashedWriters_OlderThanTheLimit_AreRemovedWhenTheLockIsTaken()
        {
            using var t = Sample();
            var old = Path.Combine(t.Folder, ".inventory.json.0badc0de.tmp");
            var fresh = Path.Combine(t.Folder, ".inventory.json.feedf00d.tmp");
            var otherInventory = Path.Combine(t.Folder, ".other.json.0badc0de.tmp");
            foreach (var f in new[] { old, fresh, otherInventory }) File.WriteAllText(f, "{ half a file");
            File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddMinutes(-6));
            File.SetLastWriteTimeUtc(otherInventory, DateTime.UtcNow.AddMinutes(-6));

            Increment(t.OpenFile());

            Assert.False(File.Exists(old));
            Assert.True(File.Exists(fresh)); // may belong to a writer still working (where locks do not work)
            Assert.True(File.Exists(otherInventory)); // not this inventory's
            Assert.Equal(1, ConcurrencyTests.Counter(t.Read()));
        }

        [Fact]
        public void TheStaleLimit_CanBeShortened()
        {
            using var t = Sample();
            var temp = Path.Combine(t.Folder, ".inventory.json.0badc0de.tmp");
            File.WriteAllText(temp, "{");
            File.SetLastWriteTimeUtc(temp, DateTime.UtcNow.AddSeconds(-3));
            var file = t.OpenFile();
            Increment(file);
            Assert.True(File.Exists(temp));
            file.StaleAfter = TimeSpan.FromSeconds(1);
            Increment(file);
            Assert.False(File.Exists(temp));
        }

        [Fact]
        public void TheOwnerFileOfADeadProcess_IsTakenOverAtOnce()
        {
            using var t = Sample();
            using var dead = Process.Start(new ProcessStartInfo(ChildProcess.DotnetHost(), "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            var started = StartTicks(dead);
            dead.StandardOutput.ReadToEnd();
            dead.WaitForExit();
            WriteOwner(t, dead.Id, started, Environment.MachineName);

            Increment(new InventoryFile(t.Path, TimeSpan.FromSeconds(5)));

            Assert.Equal(1, ConcurrencyTests.Counter(t.Read()));
            Assert.False(File.Exists(OwnerFile(t)));
            Assert.Empty(t.TempFiles());
        }

        [Fact]
        public void TheOwnerFileOfALiveProcess_HoldsTheLock_AndInventoryLockedNamesIt()
        {
            using var t = Sample();
            var before = t.Bytes();
            using var me = Process.GetCurrentProcess();
            WriteOwner(t, me.Id, StartTicks(me), Environment.MachineName, DateTime.UtcNow.AddHours(-1));

            var ex = Assert.Throws<ComputeServiceException>(() => Increment(new InventoryFile(t.Path, TimeSpan.FromMilliseconds(300))));

            Assert.Equal(ErrorIds.InventoryLocked, ex.ErrorId);
            Assert.Contains("process " + me.Id, ex.RecommendedAction);
            Assert.Equal(before, t.Bytes());
            Assert.True(File.Exists(OwnerFile(t)));
        }

        [Fact]
        public void AReusedPid_DoesNotHoldTheLock()
        {
            using var t = Sample();
            using var me = Process.GetCurrentProcess();
            WriteOwner(t, me.Id, StartTicks(me) - TimeSpan.FromHours(1).Ticks, Environment.MachineName);
            Increment(new InventoryFile(t.Path, TimeSpan.FromSeconds(5)));
            Assert.Equal(1, ConcurrencyTests.Counter(t.Read()));
        }

        [Fact]
        public void TheOwnerFileOfAnotherHost_HoldsUntilItIsOlderThanTheLimit()
        {
            using var t = Sample();
            WriteOwner(t, 4242, 1, "some-other-host");
            var ex = Assert.Throws<ComputeServiceException>(() => Increment(new InventoryFile(t.Path, TimeSpan.FromMilliseconds(300))));
            Assert.Equal(ErrorIds.InventoryLocked, ex.ErrorId);
            Assert.Contains("some-other-host", ex.RecommendedAction);

            File.SetLastWriteTimeUtc(OwnerFile(t), DateTime.UtcNow.AddMinutes(-6));
            Increment(new InventoryFile(t.Path, TimeSpan.FromSeconds(5)));
            Assert.Equal(1, ConcurrencyTests.Counter(t.Read()));
        }

        [Fact]
        public void AWriterWhoseLockWasTakenOver_WritesNothing_AndSaysSo()
        {
            using var t = Sample();
            var before = t.Bytes();
            var file = t.OpenFile();
            using (var writeLock = file.Lock())
            {
                var document = writeLock.Read();
                ConcurrencyTests.Increment(document);
                WriteOwner(t, 4242, 1, "some-other-host"); // someone judged ours stale and took it
                var ex = Assert.Throws<ComputeServiceException>(() => writeLock.Commit(document));
                Assert.Equal(ErrorIds.InventoryLocked, ex.ErrorId);
                Assert.Contains("took it over", ex.Message);
            }
            Assert.Equal(before, t.Bytes());
            Assert.True(File.Exists(OwnerFile(t))); // the new owner's file is left alone
        }

        [Fact]
        public void ALock_CommitsManyChangesAtOnce()
        {
            using var t = With(Doc(Svc(1, "host-1", lastSeenUp: Now)));
            using (var writeLock = t.OpenFile().Lock())
            {
                var document = writeLock.Read();
                for (var i = 0; i < 3; i++) ConcurrencyTests.Increment(document);
                writeLock.Commit(document);
            }
            Assert.Equal(3, ConcurrencyTests.Counter(t.Read()));
            Assert.False(File.Exists(OwnerFile(t)));
        }

        [Fact]
        public void WithoutOsFileLocks_ConcurrentUpdatesFromSeveralProcesses_LoseNone()
        {
            const int processes = 6, perProcess = 4;
            using var t = With(Doc(Svc(1, "host-1", lastSeenUp: Now)));
            var go = Path.Combine(t.Folder, "go");
            var children = Enumerable.Range(0, processes).Select(_ =>
            {
                var info = ChildProcess.Info("count", t.Path, perProcess.ToString(CultureInfo.InvariantCulture), go);
                info.Environment["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1"; // flock does nothing: as on some network file systems
                return ChildProcess.Start(info);
            }).ToList();
            File.WriteAllText(go, "");
            foreach (var child in children)
            {
                var output = child.StandardOutput.ReadToEndAsync();
                var errors = child.StandardError.ReadToEnd();
                Assert.True(child.WaitForExit(120_000), "a child did not finish");
                Assert.True(child.ExitCode == 0, $"a child failed ({child.ExitCode}): {output.Result}{errors}");
                child.Dispose();
            }
            Assert.Equal(processes * perProcess, ConcurrencyTests.Counter(t.Read()));
            Assert.False(File.Exists(OwnerFile(t)));
            Assert.Empty(t.TempFiles());
        }

        [Fact]
        public void WritersKilledAtRandomMoments_LeaveAFileInTheOldOrNewState_AndNoStaleTempFiles()
        {
            var seed = Environment.TickCount;
            var report = CrashRun.Run(kills: 5, services: 200, seed: seed);
            _output.WriteLine($"seed {seed}: {report.Summary()}");
            Assert.True(report.Ok, report.Summary());
            Assert.Equal(5, report.ParsedAfterKill);
            Assert.Equal(5L * 200, report.ItemsInOldState + report.ItemsInNewState);
        }
    }
}
