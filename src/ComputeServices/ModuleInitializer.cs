using System;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace ComputeServices.Commands
{
    /// <summary>
    /// On Windows PowerShell 5.1 (.NET Framework) the module's dependencies (System.Text.Json and its closure,
    /// YamlDotNet) sit beside the module and do not match the versions their references ask for, and there are no
    /// binding redirects: the resolver answers those requests from the module folder, but only the module's own
    /// (see <see cref="DependencyResolver.Choose"/>). On PowerShell 7 the runtime resolves them itself.
    /// On both, a copy of a dependency that another module loaded first and that the module cannot load beside it is
    /// a DependencyConflict error at import naming both modules, not a FileLoadException in the middle of a command.
    /// On every import, ComputeService gets its property adapter in this runspace's type table (see <see cref="ComputeServiceAdapter"/>).
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        private static readonly Lazy<DependencyResolver> Resolver = new Lazy<DependencyResolver>(
            () => new DependencyResolver(System.IO.Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? "."));
        private static int _installed;

        public void OnImport()
        {
            var netFramework = IsNetFramework();
            if (netFramework && System.Threading.Interlocked.Exchange(ref _installed, 1) == 0)
                AppDomain.CurrentDomain.AssemblyResolve += ResolveFromModuleFolder;
            var conflicts = Resolver.Value.FindConflicts(AppDomain.CurrentDomain.GetAssemblies(), strongNamesLoadSideBySide: netFramework);
            if (conflicts.Count > 0) throw new DependencyConflictException(conflicts, netFramework);
            RegisterAdapter();
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
            var file = Resolver.Value.Choose(new AssemblyName(args.Name), args.RequestingAssembly);
            return file == null ? null : Assembly.LoadFrom(file);
        }

        private static bool IsNetFramework()
            => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);
    }

    /// <summary>The import-time error for dependencies another module loaded first (ErrorId DependencyConflict).</summary>
    public sealed class DependencyConflictException : Exception, IContainsErrorRecord
    {
        internal DependencyConflictException(System.Collections.Generic.IReadOnlyList<DependencyConflict> conflicts, bool netFramework)
            : base(Compose(conflicts, netFramework))
        {
            ErrorRecord = new ErrorRecord(this, "DependencyConflict", ErrorCategory.ResourceUnavailable, conflicts[0].Name)
            {
                ErrorDetails = new ErrorDetails(Message)
                {
                    RecommendedAction = "Start a new PowerShell session and import ComputeServices before "
                        + string.Join(", ", conflicts.Select(c => c.LoadedBy ?? c.Name).Distinct())
                        + ", or run ComputeServices in its own process (Start-Job, a separate runbook).",
                },
            };
        }

        public ErrorRecord ErrorRecord { get; }

        private static string Compose(System.Collections.Generic.IReadOnlyList<DependencyConflict> conflicts, bool netFramework)
        {
            var why = netFramework
                ? "Windows PowerShell cannot load a second copy of an assembly without a strong name"
                : "PowerShell 7 loads one version of an assembly per session";
            return "ComputeServices cannot be imported: " + string.Join("; ", conflicts.Select(c => c.Describe()))
                + $", and {why}.";
        }
    }
}
