using System;
using System.Collections.Generic;
using System.IO;
using ComputeServices.Config;

namespace ComputeServices.Tests.Nova
{
    /// <summary>
    /// A temp folder laid out like a user's machine (cwd/, home/, XDG folders) and an environment of its own, so a
    /// CloudConfigLoader test sees only the clouds.yaml files and variables it writes. Deleted on Dispose.
    /// </summary>
    internal sealed class CloudConfigFolder : IDisposable
    {
        public CloudConfigFolder(string prefix)
        {
            Root = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path.Combine(Root, "cwd"));
            Directory.CreateDirectory(Path.Combine(Root, "home"));
            Env["XDG_CONFIG_HOME"] = Path.Combine(Root, "home", ".config");
            Env["XDG_CONFIG_DIRS"] = Path.Combine(Root, "etc-xdg");
        }

        public string Root { get; }
        public Dictionary<string, string> Env { get; } = new Dictionary<string, string>();

        public CloudConfigLoader Loader()
            => new CloudConfigLoader(new CloudConfigEnvironment(n => Env.TryGetValue(n, out var v) ? v : null,
                Path.Combine(Root, "cwd"), Path.Combine(Root, "home"), ConfigPlatform.Linux));

        /// <summary>Writes <paramref name="text"/> at <paramref name="relative"/> below the root (folders made as needed).</summary>
        public string Write(string relative, string text)
        {
            var path = Path.Combine(Root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            return path;
        }

        public void Dispose() => Directory.Delete(Root, true);
    }
}
