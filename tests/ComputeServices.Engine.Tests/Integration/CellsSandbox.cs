using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace ComputeServices.Tests.Integration
{
    /// <summary>
    /// The sandbox as a large multi-cell cloud (tests/sandbox/cells.py): 1,046 more nodes and 1,042 migrations, a host
    /// without host mapping, a host name in two cells, with the down cell reachable. Built once for the class in one
    /// SQLite transaction per database; the state before it is saved with snapshot.py and put back afterwards, and the down
    /// cell is left as it was found.
    /// </summary>
    public sealed class CellsSandbox : IDisposable
    {
        private const string SnapshotName = "cells-scale";
        private readonly string? _downCellBefore;

        public CellsSandbox()
        {
            if (!Ready) return;
            _downCellBefore = Sandbox.SetDownCell("status")?.Trim();
            if (_downCellBefore == "on") Check(Sandbox.SetDownCell("off"), "down-cell off");
            try
            {
                Check(Sandbox.RunTestScript("snapshot.py", "save", Sandbox.Dir, SnapshotName), "snapshot.py save");
                Values = Parse(Check(Sandbox.RunTestScript("cells.py", Sandbox.Dir), "cells.py"));
            }
            catch
            {
                if (_downCellBefore == "on") Sandbox.SetDownCell("on");   // xunit does not dispose a fixture whose constructor threw
                throw;
            }
        }

        /// <summary>Only where the sandbox has the seeded down cell (SEED_DOWN_CELL=1, as CI starts it) and its scripts.</summary>
        public static bool Ready => Sandbox.Available && Sandbox.CanRestoreDeletes && Sandbox.DownCellStatus is "on" or "off";

        public static string? Skip => !Sandbox.Available ? Sandbox.NotConfigured
            : Ready ? null : $"The sandbox at {Sandbox.Dir} has no seeded down cell (SEED_DOWN_CELL=1) or its scripts are missing.";

        /// <summary>cells.py's KEY=VALUE output (the migrations' and the instance's uuids).</summary>
        public IReadOnlyDictionary<string, string> Values { get; } = new Dictionary<string, string>();

        /// <summary>Puts the sandbox back as cells.py left it (after a test deleted something).</summary>
        public void Rebuild()
        {
            Check(Sandbox.RunTestScript("snapshot.py", "restore", Sandbox.Dir, SnapshotName), "snapshot.py restore");
            Parse(Check(Sandbox.RunTestScript("cells.py", Sandbox.Dir), "cells.py"));
        }

        /// <summary>Runs <paramref name="body"/> with the down cell unreachable, then makes it reachable again.</summary>
        public void WithCellDown(Action body)
        {
            Check(Sandbox.SetDownCell("on"), "down-cell on");
            try { body(); }
            finally { Check(Sandbox.SetDownCell("off"), "down-cell off"); }
        }

        public void Dispose()
        {
            if (!Ready) return;
            if (Sandbox.SetDownCell("status")?.Trim() != "off") Sandbox.SetDownCell("off");
            Sandbox.RunTestScript("snapshot.py", "restore", Sandbox.Dir, SnapshotName);
            if (_downCellBefore == "on") Sandbox.SetDownCell("on");
        }

        private static string Check(string? output, string what)
        {
            Assert.True(output != null, $"{what} failed in the sandbox at {Sandbox.Dir}");
            return output!;
        }

        private static Dictionary<string, string> Parse(string output)
            => output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains('='))
                .Select(l => l.Split(new[] { '=' }, 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1]);
    }

    public sealed class CellsSandboxFactAttribute : FactAttribute
    {
        public CellsSandboxFactAttribute()
        {
            Skip = CellsSandbox.Skip;
        }
    }
}
