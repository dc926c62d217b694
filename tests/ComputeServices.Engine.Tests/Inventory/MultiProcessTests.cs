using System.Threading.Tasks;
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using ComputeServices.Inventory;
using Xunit;
using Xunit.Abstractions;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>
    /// The lock must hold across processes, not only threads. Child processes run the engine's own InventoryFile.Update:
    /// a tiny program is compiled at test time with the SDK's csc against the engine assembly the tests use.
    /// Where no SDK compiler can be found the multi-process test cannot run and says so in its output.
    /// </summary>
    public class MultiProcessTests
    {
        private readonly ITestOutputHelper _output;

        public MultiProcessTests(ITestOutputHelper output) => _output = output;

        private const string ChildSource = @"
using System;
using System.Collections.Generic;
using System.Text.Json;
using ComputeServices.Inventory;
public static class Child
{
    public static int Main(string[] args)
    {
        var file = new InventoryFile(args[0], TimeSpan.FromMinutes(2));
        var n = int.Parse(args[1]);
        for (var i = 0; i < n; i++)
            file.Update(d =>
            {
                d.Extra ??= new Dictionary<string, JsonElement>();
                var c = d.Extra.TryGetValue(""counter"", out var e) ? e.GetInt32() : 0;
                d.Extra[""counter""] = JsonSerializer.SerializeToElement(c + 1);
                return 0;
            });
        return 0;
    }
}";

        private static string DotnetHost()
        {
            var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk)) return fromSdk;
            var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location))))!;
            var candidate = Path.Combine(root, RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet");
            return File.Exists(candidate) ? candidate : "dotnet";
        }

        private static string? FindCsc(string host)
        {
            var sdk = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(host)) ?? "", "sdk");
            if (!Directory.Exists(sdk)) return null;
            return Directory.GetDirectories(sdk)
                .Select(d => Path.Combine(d, "Roslyn", "bincore", "csc.dll"))
                .Where(File.Exists)
                .OrderByDescending(p => p, StringComparer.Ordinal)
                .FirstOrDefault();
        }

        private static (int Code, string Output) Run(string file, string args, TimeSpan timeout)
        {
            using var p = Process.Start(new ProcessStartInfo(file, args)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            })!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit((int)timeout.TotalMilliseconds))
            {
                p.Kill();
                throw new TimeoutException($"{file} {args} did not finish in {timeout}.");
            }
            return (p.ExitCode, stdout.Result + stderr.Result);
        }

        /// <summary>Compiles the child into <paramref name="folder"/>; null when no compiler is available.</summary>
        private string? BuildChild(string folder, string host)
        {
            var csc = FindCsc(host);
            if (csc == null) return null;
            var engine = typeof(InventoryFile).Assembly.Location;
            File.Copy(engine, Path.Combine(folder, Path.GetFileName(engine)));
            File.WriteAllText(Path.Combine(folder, "child.cs"), ChildSource);
            var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
            var rsp = new StringBuilder();
            rsp.AppendLine("-nologo -target:exe -nullable:enable -langversion:latest -noconfig -nostdlib");
            rsp.AppendLine($"-out:\"{Path.Combine(folder, "child.dll")}\"");
            foreach (var dll in Directory.GetFiles(framework, "System*.dll").Concat(Directory.GetFiles(framework, "netstandard.dll")).Concat(Directory.GetFiles(framework, "mscorlib.dll")))
                rsp.AppendLine($"-r:\"{dll}\"");
            rsp.AppendLine($"-r:\"{engine}\"");
            rsp.AppendLine($"\"{Path.Combine(folder, "child.cs")}\"");
            File.WriteAllText(Path.Combine(folder, "child.rsp"), rsp.ToString());
            var (code, output) = Run(host, $"\"{csc}\" @\"{Path.Combine(folder, "child.rsp")}\"", TimeSpan.FromMinutes(2));
            Assert.True(code == 0, "compiling the child failed: " + output);
            var version = Environment.Version;
            File.WriteAllText(Path.Combine(folder, "child.runtimeconfig.json"),
                "{ \"runtimeOptions\": { \"tfm\": \"net" + version.Major + "." + version.Minor + "\", \"rollForward\": \"LatestMinor\", " +
                "\"framework\": { \"name\": \"Microsoft.NETCore.App\", \"version\": \"" + version.Major + "." + version.Minor + ".0\" } } }");
            return Path.Combine(folder, "child.dll");
        }

        [Fact]
        public async Task ChildProcessesAndThreads_UpdatingTogether_LoseNoUpdate()
        {
            const int processes = 4, threads = 4, perWorker = 25;
            using var t = With(Doc(Svc(1, "host-1", lastSeenUp: Now)));
            var build = Path.Combine(t.Folder, "child");
            Directory.CreateDirectory(build);
            var host = DotnetHost();
            var child = BuildChild(build, host);
            if (child == null)
            {
                _output.WriteLine("SKIPPED: no SDK compiler (sdk/*/Roslyn/bincore/csc.dll) next to " + host + "; multi-process test not run.");
                return;
            }

            var procs = Enumerable.Range(0, processes).Select(_ => Process.Start(new ProcessStartInfo(host, $"\"{child}\" \"{t.Path}\" {perWorker}")
            {
                RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
            })!).ToList();
            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
            {
                var file = new InventoryFile(t.Path, TimeSpan.FromMinutes(2));
                for (var i = 0; i < perWorker; i++) file.Update(d => { ConcurrencyTests.Increment(d); return 0; });
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            foreach (var p in procs)
            {
                var err = p.StandardError.ReadToEndAsync();
                var outText = p.StandardOutput.ReadToEnd();
                Assert.True(p.WaitForExit(120_000), "child did not finish");
                Assert.True(p.ExitCode == 0, $"child failed ({p.ExitCode}): {outText}{await err}");
                p.Dispose();
            }
            Assert.Equal((processes + threads) * perWorker, ConcurrencyTests.Counter(t.Read()));
            Assert.Empty(t.TempFiles());
        }

        [Fact]
        public void LockHeldByAnotherProcess_TimesOut_AsInventoryLocked()
        {
            const string flock = "/usr/bin/flock";
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || !File.Exists(flock))
            {
                _output.WriteLine("SKIPPED: util-linux flock not available; cross-process lock test not run.");
                return;
            }
            using var t = Sample();
            var before = t.Bytes();
            var file = new InventoryFile(t.Path, TimeSpan.FromMilliseconds(300));
            using var holder = Process.Start(new ProcessStartInfo(flock, $"-x \"{file.LockPath}\" -c \"sleep 30\"") { UseShellExecute = false })!;
            try
            {
                // Wait until the other process really holds it.
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (true)
                {
                    try
                    {
                        using (new FileStream(file.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)) { }
                        Assert.True(DateTime.UtcNow < deadline, "flock never took the lock");
                        Thread.Sleep(20);
                    }
                    catch (IOException)
                    {
                        break;
                    }
                }
                var ex = Assert.Throws<ComputeServiceException>(() => file.Update(d => { ConcurrencyTests.Increment(d); return 0; }));
                Assert.Equal(ErrorIds.InventoryLocked, ex.ErrorId);
                Assert.Equal(before, t.Bytes());
            }
            finally
            {
                if (!holder.HasExited) holder.Kill(entireProcessTree: true);
                holder.WaitForExit(10_000);
            }
            file.Update(d => { ConcurrencyTests.Increment(d); return 0; });
            Assert.Equal(1, ConcurrencyTests.Counter(t.Read()));
        }
    }
}
