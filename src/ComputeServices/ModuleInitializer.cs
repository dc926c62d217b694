using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace ComputeServices.Commands
{
    /// <summary>
    /// On Windows PowerShell 5.1 (.NET Framework) the module's dependencies (System.Text.Json and its closure,
    /// YamlDotNet) sit beside the module and do not match the versions their references ask for, and there are no
    /// binding redirects. This resolves any of them from the module folder, whatever version is asked for.
    /// On PowerShell 7 the runtime resolves them itself and this handler does nothing.
    /// On every import, ComputeService gets its property adapter in this runspace's type table (see <see cref="ComputeServiceAdapter"/>).
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        private static readonly string ModuleFolder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".";
        private static int _installed;

        public void OnImport()
        {
            RegisterAdapter();
            if (!IsNetFramework()) return;
            if (System.Threading.Interlocked.Exchange(ref _installed, 1) == 1) return;
            AppDomain.CurrentDomain.AssemblyResolve += ResolveFromModuleFolder;
        }

        // In code rather than in a types.ps1xml: the type table resolves an adapter's type when it loads the file, before the
        // module's assembly is loaded. -Force replaces the registration of an earlier import.
        private static void RegisterAdapter()
        {
            using (var ps = PowerShell.Create(RunspaceMode.CurrentRunspace))
            {
                ps.AddCommand("Microsoft.PowerShell.Utility\\Update-TypeData")
                    .AddParameter("TypeName", typeof(ComputeService).FullName)
                    .AddParameter("TypeAdapter", typeof(ComputeServiceAdapter))
                    .AddParameter("Force")
                    .Invoke();
            }
        }

        internal static Assembly? ResolveFromModuleFolder(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            if (string.IsNullOrEmpty(name)) return null;
            var candidate = Path.Combine(ModuleFolder, name + ".dll");
            return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
        }

        private static bool IsNetFramework()
            => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);
    }
}
