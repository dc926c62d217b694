using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace ComputeServices.Config
{
    public enum ConfigPlatform { Linux, Windows, MacOS }

    /// <summary>
    /// The machine as the loader sees it: environment variables, current and home directories, and the platform.
    /// Tests inject all of it so nothing on the real machine is read.
    /// </summary>
    public sealed class CloudConfigEnvironment
    {
        public CloudConfigEnvironment(Func<string, string?> getVariable, string currentDirectory, string homeDirectory, ConfigPlatform platform)
        {
            GetVariable = getVariable ?? throw new ArgumentNullException(nameof(getVariable));
            CurrentDirectory = currentDirectory;
            HomeDirectory = homeDirectory;
            Platform = platform;
        }

        public Func<string, string?> GetVariable { get; }
        public string CurrentDirectory { get; }
        public string HomeDirectory { get; }
        public ConfigPlatform Platform { get; }

        public static CloudConfigEnvironment FromProcess() => FromProcess(Directory.GetCurrentDirectory());

        /// <summary>The process's variables and home, with the caller's idea of the current directory (PowerShell's location, not the process's).</summary>
        public static CloudConfigEnvironment FromProcess(string currentDirectory)
        {
            var platform = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? ConfigPlatform.Windows
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? ConfigPlatform.MacOS
                : ConfigPlatform.Linux;
            var home = Environment.GetEnvironmentVariable(platform == ConfigPlatform.Windows ? "USERPROFILE" : "HOME");
            if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return new CloudConfigEnvironment(Environment.GetEnvironmentVariable, currentDirectory, home ?? "", platform);
        }

        public string? Get(string name)
        {
            var value = GetVariable(name);
            return string.IsNullOrEmpty(value) ? null : value;
        }
    }

    /// <summary>openstacksdk's CONFIG_SEARCH_PATH (openstack/config/loader.py in openstacksdk), per platform.</summary>
    internal static class CloudConfigPaths
    {
        public static readonly string[] CloudFileNames = { "clouds.yaml", "clouds.yml", "clouds.json" };
        public static readonly string[] SecureFileNames = { "secure.yaml", "secure.yml", "secure.json" };

        public static IReadOnlyList<string> SearchDirectories(CloudConfigEnvironment env)
        {
            var dirs = new List<string> { env.CurrentDirectory };
            var home = env.HomeDirectory;
            switch (env.Platform)
            {
                case ConfigPlatform.Windows:
                    var local = env.Get("LOCALAPPDATA") ?? Path.Combine(home, "AppData", "Local");
                    dirs.Add(Path.Combine(local, "OpenStack", "openstack"));
                    dirs.Add(Path.Combine(home, ".config", "openstack"));
                    dirs.Add(Path.Combine(env.Get("ProgramData") ?? @"C:\ProgramData", "OpenStack", "openstack"));
                    break;
                case ConfigPlatform.MacOS:
                    dirs.Add(Path.Combine(home, "Library", "Application Support", "openstack"));
                    dirs.Add(Path.Combine(home, ".config", "openstack"));
                    dirs.Add("/Library/Application Support/openstack");
                    break;
                default:
                    dirs.Add(Path.Combine(env.Get("XDG_CONFIG_HOME") ?? Path.Combine(home, ".config"), "openstack"));
                    dirs.Add(Path.Combine(home, ".config", "openstack"));
                    var xdgDirs = env.Get("XDG_CONFIG_DIRS");
                    var site = xdgDirs?.Split(':').FirstOrDefault(d => d.Length > 0) ?? "/etc/xdg";
                    dirs.Add(Path.Combine(site, "openstack"));
                    break;
            }
            if (env.Platform != ConfigPlatform.Windows) dirs.Add("/etc/openstack");
            return dirs.Distinct(env.Platform == ConfigPlatform.Linux ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase).ToList();
        }

        /// <summary>The candidate files in search order; the override variable's file comes first.</summary>
        public static IReadOnlyList<string> Candidates(CloudConfigEnvironment env, string overrideVariable, string[] names)
        {
            var files = new List<string>();
            var explicitFile = env.Get(overrideVariable);
            if (explicitFile != null) files.Add(explicitFile);
            foreach (var dir in SearchDirectories(env))
                foreach (var name in names)
                    files.Add(Path.Combine(dir, name));
            return files;
        }

        public static string? FirstExisting(IEnumerable<string> candidates)
        {
            foreach (var file in candidates)
            {
                try
                {
                    if (File.Exists(file)) return file;
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                }
            }
            return null;
        }
    }
}
