using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ComputeServices.Inventory;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>
    /// -ErrorAction Stop means the same on both backends (issue 16): the items before the failing one are applied and
    /// reported, nothing after it is applied, whether the failure is found when the name is resolved or when the change
    /// is committed.
    /// </summary>
    public sealed class BatchStopTests
    {
        private const int Items = 21;
        private const int FailingItem = 4;

        internal static List<(string Host, string Binary)> Batch(string failingHost, string failingBinary)
        {
            var items = Enumerable.Range(1, Items).Select(i => ($"batch-{i:00}", "nova-compute")).ToList();
            items[FailingItem - 1] = (failingHost, failingBinary);
            return items;
        }

        /// <summary>Rewrites the inventory as the sample plus these services (all up, enabled).</summary>
        internal static void AddHosts(TempInventory inventory, IEnumerable<(string Host, string Binary)> services)
        {
            var document = SampleInventory.Create(DateTime.UtcNow);
            var next = document.Services.Max(s => s.Id) + 1;
            foreach (var (host, binary) in services)
            {
                if (document.Services.Any(s => s.Host == host && s.Binary == binary)) continue;
                document.Services.Add(new ServiceRecord
                {
                    Id = next++, Uuid = Guid.NewGuid().ToString(), Host = host, Binary = binary,
                    LastSeenUp = DateTime.UtcNow, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
                });
            }
            inventory.File.Create(document, true);
        }

        private static PowerShell Pipe(string inventoryPath, IEnumerable<(string Host, string Binary)> items)
        {
            var ps = CmdletHost.Create();
            ps.AddScript("param($p, $rows) $rows | ForEach-Object { [pscustomobject]@{ Host = $_.Item1; Binary = $_.Item2 } } | " +
                         "Disable-ComputeService -InventoryPath $p -Reason stop-test -PassThru -ErrorAction Stop")
                .AddArgument(inventoryPath).AddArgument(items.ToList());
            return ps;
        }

        [Theory]
        [InlineData("compute-scheduler-host", "nova-scheduler", "ServiceUpdateNotSupported")]   // decided when the batch commits
        [InlineData("no-such-host", "nova-compute", "ServiceNotFound")]                          // decided when the name is resolved
        public void Inventory_StopsAtTheFailingItemAfterApplyingAndReportingTheOnesBefore(string host, string binary, string errorId)
        {
            using var inventory = new TempInventory();
            var items = Batch(host, binary);
            AddHosts(inventory, items.Where(i => i.Host != "no-such-host"));
            using var ps = Pipe(inventory.FilePath, items);
            var output = new PSDataCollection<PSObject>();

            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke(null, output));

            Assert.StartsWith(errorId + ",", ex.ErrorRecord.FullyQualifiedErrorId);
            Assert.Equal(items.Take(FailingItem - 1).Select(i => i.Host), output.Select(o => ((ComputeService)o.BaseObject).Host));
            var document = inventory.Read();
            foreach (var (h, b) in items.Take(FailingItem - 1))
                Assert.Equal("stop-test", document.Services.Single(s => s.Host == h && s.Binary == b).DisabledReason);
            foreach (var (h, b) in items.Skip(FailingItem))
                Assert.False(document.Services.Single(s => s.Host == h && s.Binary == b).Disabled, $"{h} was written after the failing item");
        }

        [Theory]
        [InlineData("compute-scheduler-host", "nova-scheduler", "ServiceUpdateNotSupported")]
        [InlineData("no-such-host", "nova-compute", "ServiceNotFound")]
        public void Cloud_StopsAtTheFailingItemAfterApplyingAndReportingTheOnesBefore(string host, string binary, string errorId)
        {
            using var nova = new StatefulNova();
            var items = Batch(host, binary);
            foreach (var (h, b) in items.Where(i => i.Host != "no-such-host")) nova.With(h, b);
            using var ps = CmdletHost.Create();
            // -ThrottleLimit 8: under Stop the batch still sends one change at a time, so nothing after the failure goes out.
            ps.AddScript("param($rows) " + nova.ConnectLine + "\n$rows | ForEach-Object { [pscustomobject]@{ Host = $_.Item1; Binary = $_.Item2 } } | " +
                         "Disable-ComputeService -Connection $c -Reason stop-test -PassThru -ThrottleLimit 8 -ErrorAction Stop")
                .AddArgument(items.ToList());
            var output = new PSDataCollection<PSObject>();

            var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke(null, output));

            Assert.StartsWith(errorId + ",", ex.ErrorRecord.FullyQualifiedErrorId);
            var written = output.Where(o => o.BaseObject is ComputeService).Select(o => ((ComputeService)o.BaseObject).Host).ToList();
            Assert.Equal(items.Take(FailingItem - 1).Select(i => i.Host), written);
            foreach (var (h, b) in items.Take(FailingItem - 1)) Assert.Equal("stop-test", nova.Of(h, b).Reason);
            foreach (var (h, b) in items.Skip(FailingItem)) Assert.False(nova.Of(h, b).Disabled, $"{h} was sent after the failing item");
        }

        [Fact]
        public void WithoutStopEveryOtherItemIsStillAppliedAndTheFailureCounted()
        {
            using var inventory = new TempInventory();
            var items = Batch("compute-scheduler-host", "nova-scheduler");
            AddHosts(inventory, items);
            using var ps = CmdletHost.Create();
            ps.AddScript("param($p, $rows) $rows | ForEach-Object { [pscustomobject]@{ Host = $_.Item1; Binary = $_.Item2 } } | " +
                         "Disable-ComputeService -InventoryPath $p -Reason go-on -PassThru").AddArgument(inventory.FilePath).AddArgument(items.ToList());

            var output = ps.Invoke();

            Assert.Equal(Items - 1, output.Count);
            Assert.StartsWith("ServiceUpdateNotSupported,", Assert.Single(ps.Streams.Error).FullyQualifiedErrorId);
            Assert.Contains($"1 of {Items} compute services failed to disable.", CmdletHost.Messages(ps.Streams.Warning));
        }
    }
}
