using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using ComputeServices.Inventory;

namespace ComputeServices.CrashTest
{
    public sealed class CrashReport
    {
        public int Kills { get; set; }
        public int Services { get; set; }
        public int ParsedAfterKill { get; set; }
        public long ItemsInOldState { get; set; }
        public long ItemsInNewState { get; set; }
        public long ItemsInAnyOtherState { get; set; }
        public int HalfAppliedFiles { get; set; }
        public int TempFilesLeftByKills { get; set; }
        public int StaleTempFilesAfterNextLock { get; set; }
        public int TempFilesAtEnd { get; set; }
        public int OwnerFilesLeftByKills { get; set; }
        public int LocksNotRecovered { get; set; }
        public List<string> Problems { get; } = new List<string>();
        public TimeSpan Elapsed { get; set; }

        public bool Ok => Kills > 0 && ParsedAfterKill == Kills && ItemsInAnyOtherState == 0 && HalfAppliedFiles == 0
                          && StaleTempFilesAfterNextLock == 0 && TempFilesAtEnd == 0 && LocksNotRecovered == 0 && Problems.Count == 0;

        public string Summary() => string.Format(CultureInfo.InvariantCulture,
            "Crash test: {0} kills (kill -9) of a writer rewriting {1} services; parses OK after {2}/{0}; per item: old state {3}, new state {4}, " +
            "any other {5}; half-applied files {6}; temp files left by kills {7}, older than {8} s after the next lock {9}, at the end {10}; " +
            "lock owner files of killed writers {11}, not taken over {12}; {13:0.0} s; {14}",
            Kills, Services, ParsedAfterKill, ItemsInOldState, ItemsInNewState, ItemsInAnyOtherState, HalfAppliedFiles,
            TempFilesLeftByKills, CrashRun.StaleAfter.TotalSeconds, StaleTempFilesAfterNextLock, TempFilesAtEnd,
            OwnerFilesLeftByKills, LocksNotRecovered, Elapsed.TotalSeconds,
            Ok ? "OK" : "FAILED: " + string.Join("; ", Problems.Take(5)));
    }

    /// <summary>
    /// Starts a writer child, kills it at a random moment, and checks what a crash must leave: a file that parses,
    /// every service in the state of the last write that landed or of the one in flight, and, once the next writer
    /// takes the lock (immediately, though the killed writer's lock owner file is still there), no temp file older
    /// than the stale limit.
    /// </summary>
    public static class CrashRun
    {
        /// <summary>The stale limit the driver and its children use (5 minutes in the module).</summary>
        public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(1);

        public static CrashReport Run(int kills, int services, int seed, TextWriter? progress = null)
        {
            var report = new CrashReport { Kills = kills, Services = services };
            var watch = Stopwatch.StartNew();
            var folder = Path.Combine(Path.GetTempPath(), "cs-crash-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, "inventory.json");
            try
            {
                var file = new InventoryFile(path, TimeSpan.FromSeconds(10)) { StaleAfter = StaleAfter };
                file.Create(NewDocument(services), overwrite: false);
                var random = new Random(seed);
                long before = 0;
                for (var k = 0; k < kills; k++)
                {
                    var printed = KillAWriter(path, random, report);
                    before = Check(file, folder, Math.Max(before, printed), report);
                    if (progress != null && (k + 1) % 50 == 0) progress.WriteLine($"  {k + 1} kills, generation {before}");
                }
                Thread.Sleep(StaleAfter + TimeSpan.FromMilliseconds(200));
                using (file.Lock()) { }
                report.TempFilesAtEnd = TempFiles(folder).Length;
            }
            catch (Exception ex)
            {
                report.Problems.Add(ex.GetType().Name + ": " + ex.Message);
            }
            finally
            {
                report.Elapsed = watch.Elapsed;
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            return report;
        }

        public static InventoryDocument NewDocument(int services)
        {
            var document = SampleInventory.Empty();
            for (var i = 1; i <= services; i++)
            {
                var host = "compute-" + i.ToString("D5", CultureInfo.InvariantCulture);
                document.Services.Add(new ServiceRecord
                {
                    Id = i, Uuid = Guid.NewGuid().ToString(), Binary = "nova-compute", Host = host,
                    Disabled = true, DisabledReason = Writers.ReasonOf(0), CreatedAt = DateTime.UtcNow,
                });
                document.ComputeNodes.Add(new ComputeNodeRecord { Uuid = Guid.NewGuid().ToString(), Host = host, HypervisorHostname = host });
            }
            document.Extra = new Dictionary<string, JsonElement> { [Writers.Generation] = JsonSerializer.SerializeToElement(0L) };
            return document;
        }

        /// <summary>Returns the last generation the child reported as written (0 if none).</summary>
        private static long KillAWriter(string path, Random random, CrashReport report)
        {
            long printed = 0;
            using var firstWrite = new ManualResetEventSlim();
            using var child = ChildProcess.Start("write", path);
            child.ErrorDataReceived += (_, e) => { if (!string.IsNullOrEmpty(e.Data)) lock (report.Problems) report.Problems.Add("writer: " + e.Data); };
            child.OutputDataReceived += (_, e) =>
            {
                if (e.Data != null && long.TryParse(e.Data, NumberStyles.None, CultureInfo.InvariantCulture, out var g))
                {
                    Interlocked.Exchange(ref printed, g);
                    firstWrite.Set();
                }
            };
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
            // Mostly kill in the write loop; now and then while it starts or takes its first lock.
            if (random.Next(5) == 0) Thread.Sleep(random.Next(0, 150));
            else if (firstWrite.Wait(TimeSpan.FromSeconds(60))) Thread.Sleep(random.Next(0, 150));
            else report.Problems.Add("a writer never wrote");
            child.Kill();
            child.WaitForExit(); // also waits for the end of its output, so `printed` is final
            return Interlocked.Read(ref printed);
        }

        private static long Check(InventoryFile file, string folder, long lastWritten, CrashReport report)
        {
            if (File.Exists(file.Path + ".lock.owner")) report.OwnerFilesLeftByKills++;
            report.TempFilesLeftByKills += TempFiles(folder).Length;

            InventoryDocument document;
            try
            {
                document = file.Read();
                report.ParsedAfterKill++;
            }
            catch (ComputeServiceException ex)
            {
                report.Problems.Add("after a kill: " + ex.Message);
                return lastWritten;
            }
            var generation = Writers.GenerationOf(document);
            var states = new HashSet<string?>();
            foreach (var service in document.Services)
            {
                states.Add(service.DisabledReason);
                if (service.DisabledReason == Writers.ReasonOf(lastWritten)) report.ItemsInOldState++;
                else if (service.DisabledReason == Writers.ReasonOf(lastWritten + 1)) report.ItemsInNewState++;
                else report.ItemsInAnyOtherState++;
            }
            if (states.Count != 1 || !states.Contains(Writers.ReasonOf(generation))) report.HalfAppliedFiles++;

            try
            {
                using (file.Lock()) { } // what the next writer does first
            }
            catch (ComputeServiceException ex)
            {
                report.LocksNotRecovered++;
                report.Problems.Add("the next lock: " + ex.Message);
            }
            var cutoff = DateTime.UtcNow - StaleAfter;
            report.StaleTempFilesAfterNextLock += TempFiles(folder).Count(t => File.GetLastWriteTimeUtc(t) < cutoff);
            return generation;
        }

        private static string[] TempFiles(string folder) => Directory.GetFiles(folder, ".inventory.json.*.tmp");
    }

    /// <summary>Starts this program again as a child, with the same dotnet host.</summary>
    public static class ChildProcess
    {
        public static Process Start(params string[] args) => Start(Info(args));

        public static Process Start(ProcessStartInfo info) => Process.Start(info) ?? throw new InvalidOperationException("The child did not start.");

        public static ProcessStartInfo Info(params string[] args)
        {
            var info = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
            foreach (var a in args) info.ArgumentList.Add(a);
            return info;
        }

        public static string DotnetHost()
        {
            var self = Environment.ProcessPath;
            if (self != null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
            var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk)) return fromSdk;
            var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location))))!;
            var candidate = Path.Combine(root, RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet");
            return File.Exists(candidate) ? candidate : "dotnet";
        }
    }
}
