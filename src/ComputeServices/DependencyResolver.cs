using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Which assembly requests the module answers from its own folder, and which copies that other modules loaded
    /// first stand in its way. Pure decisions over names and paths (no event, no PowerShell), so tests can put any
    /// requester and any loaded assembly in front of it.
    /// </summary>
    internal sealed class DependencyResolver
    {
        private readonly string _folder;
        private readonly Dictionary<string, AssemblyName> _shipped;

        internal DependencyResolver(string folder)
        {
            _folder = Path.GetFullPath(folder);
            _shipped = new Dictionary<string, AssemblyName>(StringComparer.OrdinalIgnoreCase);
            foreach (var file in Directory.GetFiles(_folder, "*.dll"))
            {
                try
                {
                    var name = AssemblyName.GetAssemblyName(file);
                    if (!string.IsNullOrEmpty(name.Name)) _shipped[name.Name!] = name;
                }
                catch (BadImageFormatException)
                {
                    // Not a managed assembly: nothing to resolve to.
                }
            }
        }

        internal string ModuleFolder => _folder;

        /// <summary>
        /// The file in the module folder that answers <paramref name="requested"/>, or null to decline: only a request
        /// made by one of the module's own assemblies, for a name the module ships, with the same public key, for a
        /// version no higher than the one shipped (the module's own binding redirect). Everyone else's requests are
        /// theirs to answer, so another module is never handed a version it did not ask for.
        /// </summary>
        internal string? Choose(AssemblyName requested, Assembly? requester)
        {
            if (requester == null || !IsOurs(requester)) return null;
            if (string.IsNullOrEmpty(requested.Name) || !_shipped.TryGetValue(requested.Name!, out var ours)) return null;
            if (requested.Version != null && ours.Version != null && ours.Version < requested.Version) return null;
            if (!SameKey(requested, ours)) return null;
            return Path.Combine(_folder, ours.Name + ".dll");
        }

        /// <summary>An assembly loaded from the module folder.</summary>
        internal bool IsOurs(Assembly assembly)
        {
            if (assembly.IsDynamic) return false;
            string location;
            try
            {
                location = assembly.Location;
            }
            catch (NotSupportedException)
            {
                return false;
            }
            if (string.IsNullOrEmpty(location)) return false;
            var folder = Path.GetDirectoryName(Path.GetFullPath(location));
            return string.Equals(folder, _folder, PathComparison);
        }

        /// <summary>
        /// The copies, loaded by someone else, of a dependency the module ships at a higher version, that this runtime
        /// cannot load the module's version beside: every such copy on PowerShell 7 (one load context holds one version
        /// of a name), and on .NET Framework only those where either copy has no strong name (strong-named versions
        /// load side by side there).
        /// </summary>
        internal IReadOnlyList<DependencyConflict> FindConflicts(IEnumerable<Assembly> loaded, bool strongNamesLoadSideBySide)
        {
            var conflicts = new List<DependencyConflict>();
            foreach (var assembly in loaded)
            {
                if (assembly.IsDynamic || IsOurs(assembly)) continue;
                var name = assembly.GetName();
                if (string.IsNullOrEmpty(name.Name) || !_shipped.TryGetValue(name.Name!, out var ours)) continue;
                if (name.Version == null || ours.Version == null || name.Version >= ours.Version) continue;
                if (strongNamesLoadSideBySide && HasKey(name) && HasKey(ours)) continue;
                var location = SafeLocation(assembly);
                conflicts.Add(new DependencyConflict(ours.Name!, ours.Version, name.Version, location, OwningModule(location)));
            }
            return conflicts;
        }

        /// <summary>The module that holds a file: the nearest folder upwards (a few levels) with a manifest in it.</summary>
        internal static string? OwningModule(string? file)
        {
            if (string.IsNullOrEmpty(file)) return null;
            var folder = Path.GetDirectoryName(file);
            for (var level = 0; level < 4 && !string.IsNullOrEmpty(folder); level++)
            {
                var manifest = Directory.Exists(folder) ? Directory.GetFiles(folder!, "*.psd1").FirstOrDefault() : null;
                if (manifest != null) return Path.GetFileNameWithoutExtension(manifest);
                folder = Path.GetDirectoryName(folder);
            }
            return null;
        }

        private static string? SafeLocation(Assembly assembly)
        {
            try
            {
                return string.IsNullOrEmpty(assembly.Location) ? null : assembly.Location;
            }
            catch (NotSupportedException)
            {
                return null;
            }
        }

        private static bool SameKey(AssemblyName requested, AssemblyName ours)
        {
            var asked = requested.GetPublicKeyToken();
            if (asked == null || asked.Length == 0) return true;
            var have = ours.GetPublicKeyToken();
            return have != null && asked.SequenceEqual(have);
        }

        private static bool HasKey(AssemblyName name) => name.GetPublicKeyToken() is { Length: > 0 };

        private static StringComparison PathComparison
            => System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux)
                ? StringComparison.Ordinal
                : StringComparison.OrdinalIgnoreCase;
    }

    /// <summary>A dependency another module loaded first, at a version the module cannot use or load beside it.</summary>
    internal sealed class DependencyConflict
    {
        internal DependencyConflict(string name, Version needed, Version loaded, string? loadedFrom, string? loadedBy)
        {
            Name = name;
            Needed = needed;
            Loaded = loaded;
            LoadedFrom = loadedFrom;
            LoadedBy = loadedBy;
        }

        internal string Name { get; }
        internal Version Needed { get; }
        internal Version Loaded { get; }
        internal string? LoadedFrom { get; }
        internal string? LoadedBy { get; }

        internal string Describe()
        {
            var who = LoadedBy != null ? $"the module '{LoadedBy}'" : "another module or script";
            var where = LoadedFrom != null ? $" from '{LoadedFrom}'" : "";
            return $"{Name} {Loaded} was already loaded by {who}{where}; ComputeServices needs {Name} {Needed}";
        }
    }
}
