using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using ComputeServices.Commands;
using ComputeServices.Inventory;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>Runs the module's cmdlets in this process, on the System.Management.Automation of Microsoft.PowerShell.SDK.</summary>
    internal static class CmdletHost
    {
        public static readonly Assembly Module = typeof(GetComputeServiceCommand).Assembly;

        /// <summary>Every public, concrete cmdlet type in ComputeServices.dll, by command name.</summary>
        public static IReadOnlyDictionary<string, Type> CmdletTypes { get; } = Module.GetExportedTypes()
            .Where(t => !t.IsAbstract && typeof(Cmdlet).IsAssignableFrom(t))
            .ToDictionary(t =>
            {
                var attribute = t.GetCustomAttribute<CmdletAttribute>()!;
                return attribute.VerbName + "-" + attribute.NounName;
            });

        /// <summary>A default session (so Where-Object, ForEach-Object... exist) plus each cmdlet as a SessionStateCmdletEntry.</summary>
        public static InitialSessionState Session()
        {
            var iss = InitialSessionState.CreateDefault2();
            foreach (var pair in CmdletTypes)
                iss.Commands.Add(new SessionStateCmdletEntry(pair.Key, pair.Value, null));
            return iss;
        }

        /// <summary>A PowerShell with its own runspace and no host UI (so a confirmation prompt cannot be answered).</summary>
        public static PowerShell Create() => PowerShell.Create(Session());

        public static PSObject Row(params (string Name, object? Value)[] properties)
        {
            var row = new PSObject();
            foreach (var (name, value) in properties) row.Properties.Add(new PSNoteProperty(name, value));
            return row;
        }

        public static IEnumerable<string> Messages(IEnumerable<InformationalRecord> records) => records.Select(r => r.Message);
    }

    /// <summary>A sample inventory in a temp folder (the same data as the Nova sandbox seed), deleted afterwards.</summary>
    internal sealed class TempInventory : IDisposable
    {
        private readonly string _folder;

        public TempInventory()
        {
            _folder = Path.Combine(Path.GetTempPath(), "cs-cmdlet-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_folder);
            FilePath = Path.Combine(_folder, "inventory.json");
            File = new InventoryFile(FilePath);
            File.Create(SampleInventory.Create(DateTime.UtcNow), false);
        }

        public string FilePath { get; }
        public InventoryFile File { get; }

        public string Text() => System.IO.File.ReadAllText(FilePath);

        public InventoryDocument Read() => File.Read();

        public ServiceRecord Service(string host, string binary = ServiceBinaries.Compute)
            => Read().Services.Single(s => s.Host == host && s.Binary == binary);

        public bool Has(string host, string binary = ServiceBinaries.Compute)
            => Read().Services.Any(s => s.Host == host && s.Binary == binary);

        public string IdOf(string host) => Service(host).Uuid;

        public void Dispose()
        {
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
