using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ComputeServices.Config;
using ComputeServices.Nova;
using Xunit;

namespace ComputeServices.Tests.Integration
{
    /// <summary>
    /// Where the Nova sandbox is, from the environment:
    /// NOVA_URL + NOVA_TOKEN (noauth2), or OS_CLIENT_CONFIG_FILE with cloud sandbox-admin (or SANDBOX_CLOUD), or OS_AUTH_URL etc.
    /// NOVA_SANDBOX_DIR is the sandbox's data dir; NOVA_SANDBOX_HOME the dir holding its scripts (default &lt;repo&gt;/../shared/nova-sandbox).
    /// </summary>
    internal static class Sandbox
    {
        public const string NotConfigured =
            "No Nova sandbox configured: set NOVA_URL and NOVA_TOKEN (noauth2), or OS_CLIENT_CONFIG_FILE (keystone mode, cloud sandbox-admin), or OS_AUTH_URL/OS_USERNAME/OS_PASSWORD/...";

        private static readonly Lazy<string?> DownCell = new(() => RunScript("down-cell", Dir, "status")?.Trim());

        public static string? CloudsFile => Env("OS_CLIENT_CONFIG_FILE");
        public static string AdminCloud => Env("SANDBOX_CLOUD") ?? "sandbox-admin";
        public static bool HasKeystone => (CloudsFile != null && File.Exists(CloudsFile)) || Env("OS_AUTH_URL") != null;
        public static bool HasNoAuth => Env("NOVA_URL") != null && Env("NOVA_TOKEN") != null;
        public static bool Available => HasKeystone || HasNoAuth;
        public static string Dir => Env("NOVA_SANDBOX_DIR") ?? "/tmp/nova-sandbox";

        public static string Home => Env("NOVA_SANDBOX_HOME") ?? Path.Combine(RepoRoot(), "..", "shared", "nova-sandbox");

        /// <summary>on | off | absent, or null when the script cannot run.</summary>
        public static string? DownCellStatus => DownCell.Value;

        public static string? Env(string name)
        {
            var v = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(v) ? null : v;
        }

        /// <summary>The admin settings: clouds.yaml first (keystone), then OS_* variables, then NOVA_URL + NOVA_TOKEN.</summary>
        public static NovaConnectionSettings AdminSettings(string? pin = null)
        {
            NovaConnectionSettings s;
            var loader = new CloudConfigLoader();
            if (CloudsFile != null && File.Exists(CloudsFile) && loader.ListCloudNames().Contains(AdminCloud)) s = loader.LoadCloud(AdminCloud);
            else if (Env("OS_AUTH_URL") != null) s = loader.LoadFromEnvironment()!;
            else s = new NovaConnectionSettings { Endpoint = new Uri(Env("NOVA_URL")!), Token = Env("NOVA_TOKEN"), AuthType = "admin_token" };
            s.ComputeApiVersion = pin;
            s.TimeoutSec = 60;
            return s;
        }

        public static NovaBackend Backend(string? pin = null, IOperationLog? log = null)
            => new NovaBackend(NovaConnection.Create(AdminSettings(pin), log), ownsConnection: true);

        public static string CellDatabase => Path.Combine(Dir, "db", "nova_cell1.sqlite");

        /// <summary>True when a deleted seed compute can be brought back (see <see cref="RestoreDeletedCompute"/>).</summary>
        public static bool CanRestoreDeletes => File.Exists(CellDatabase) && File.Exists(Path.Combine(Home, "seed")) && File.Exists("/usr/bin/python3");

        /// <summary>Brings back a compute deleted through the API (tests/sandbox/restore-compute.py says how).</summary>
        public static void RestoreDeletedCompute(string host)
        {
            var script = Path.Combine(RepoRoot(), "tests", "sandbox", "restore-compute.py");
            Assert.True(Run("/usr/bin/python3", script, Dir, Path.Combine(Home, "seed"), host) != null,
                $"Could not restore {host} in the sandbox at {Dir}");
        }

        /// <summary>Runs the sandbox's down-cell script (on | off | status); its output, or null when it failed.</summary>
        public static string? SetDownCell(string action) => RunScript("down-cell", Dir, action);

        /// <summary>Runs tests/sandbox/NAME with these arguments; its output, or null when it failed.</summary>
        public static string? RunTestScript(string name, params string[] args)
            => Run("/usr/bin/python3", new[] { Path.Combine(RepoRoot(), "tests", "sandbox", name) }.Concat(args).ToArray());

        private static string? RunScript(string script, params string[] args)
        {
            var path = Path.Combine(Home, script);
            if (!File.Exists(path)) return null;
            var isPython = File.ReadLines(path).FirstOrDefault()?.Contains("python") == true;
            return Run(isPython ? "/usr/bin/python3" : "/bin/bash", new[] { path }.Concat(args).ToArray());
        }

        private static string? Run(string program, params string[] args)
        {
            var start = new ProcessStartInfo(program)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in args) start.ArgumentList.Add(a);
            try
            {
                using var process = Process.Start(start)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(120_000)) { process.Kill(true); return null; }
                return process.ExitCode == 0 ? stdout.Result : null;
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is IOException)
            {
                return null;
            }
        }

        private static string RepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ComputeServices.PowerShell.sln"))) return dir.FullName;
            return Directory.GetCurrentDirectory();
        }
    }

    /// <summary>A fact that runs only when a Nova sandbox is configured (and, optionally, has Keystone or the down cell on).</summary>
    public sealed class SandboxFactAttribute : FactAttribute
    {
        public SandboxFactAttribute(bool requiresKeystone = false, bool requiresDownCell = false, bool deletes = false)
        {
            Skip = SandboxSkip.Reason(requiresKeystone, requiresDownCell);
            if (Skip == null && deletes && !Sandbox.CanRestoreDeletes)
                Skip = $"Deletes are only run where they can be undone: NOVA_SANDBOX_DIR ({Sandbox.Dir}) must hold db/nova_cell1.sqlite and NOVA_SANDBOX_HOME ({Sandbox.Home}) the seed script.";
        }
    }

    public sealed class SandboxTheoryAttribute : TheoryAttribute
    {
        public SandboxTheoryAttribute(bool requiresKeystone = false)
        {
            Skip = SandboxSkip.Reason(requiresKeystone, false);
        }
    }

    internal static class SandboxSkip
    {
        public static string? Reason(bool requiresKeystone, bool requiresDownCell)
        {
            if (!Sandbox.Available) return Sandbox.NotConfigured;
            if (requiresKeystone && !Sandbox.HasKeystone) return "The Nova sandbox runs without Keystone (NOVA_SANDBOX_AUTH=keystone and OS_CLIENT_CONFIG_FILE are needed).";
            if (requiresDownCell && Sandbox.DownCellStatus != "on")
                return $"The sandbox's down cell is not on (down-cell status: {Sandbox.DownCellStatus ?? "unavailable"}; run SEED_DOWN_CELL=1 seed).";
            return null;
        }
    }

    /// <summary>Everything that touches the sandbox runs serially: the tests share its hosts.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class SandboxCollection
    {
        public const string Name = "NovaSandbox";
    }
}
