using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>
    /// Ctrl+C (StopProcessing) in the middle of a piped batch: every change that is durable has been reported, as an
    /// object (-PassThru) or, once the pipeline takes no more output, in a warning to the host that names the hosts.
    /// </summary>
    public sealed class InterruptTests
    {
        private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(15);

        /// <summary>Runs the script, and stops it (as Ctrl+C does) as soon as it has written <paramref name="stopAtOutput"/> objects.</summary>
        private static (List<string> Written, string Told) RunAndStop(RecordingHost host, string script, object argument, int stopAtOutput)
        {
            using var ps = host.Create();
            ps.AddScript(script).AddArgument(argument);
            var output = new PSDataCollection<PSObject>();
            Task? stopping = null;
            output.DataAdded += (_, e) =>
            {
                if (e.Index + 1 == stopAtOutput) stopping = Task.Run(() => ps.Stop());
            };
            var running = ps.BeginInvoke<PSObject, PSObject>(null, output);
            Assert.True(running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "the pipeline did not end");
            Assert.NotNull(stopping);
            Assert.True(stopping!.Wait(Prompt), "Stop() did not return");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            ps.Runspace.Dispose();
            var written = output.Select(o => ((ComputeService)o.BaseObject).Host).ToList();
            return (written, string.Join("\n", host.Warnings));
        }

        private static IEnumerable<string> Named(string told, string part)
        {
            // "...; 12 more were applied but not reported: a, b, c; ..."
            var start = told.IndexOf(part, StringComparison.Ordinal);
            if (start < 0) return Enumerable.Empty<string>();
            var list = told.Substring(told.IndexOf(':', start) + 1);
            var end = list.IndexOfAny(new[] { ';', '\n' });
            if (end >= 0) list = list.Substring(0, end);
            return list.TrimEnd('.').Split(',').Select(h => h.Trim()).Where(h => h.Length > 0)
                .Select(h => h.Contains('@') ? h.Substring(h.IndexOf('@') + 1).Split(' ')[0] : h);
        }

        [Fact]
        public void Inventory_AfterAnInterruptEveryWrittenChangeWasReported()
        {
            using var inventory = new TempInventory();
            var hosts = Enumerable.Range(1, 500).Select(i => $"bulk-{i:000}").ToList();
            BatchStopTests.AddHosts(inventory, hosts.Select(h => (h, "nova-compute")));
            var host = new RecordingHost();

            // A producer slower than group commit's 250 ms batches: the stop lands between commits and during them.
            var (written, told) = RunAndStop(host,
                "param($p) 1..500 | ForEach-Object { Start-Sleep -Milliseconds 10; [pscustomobject]@{ Host = 'bulk-{0:000}' -f $_ } } | " +
                "Disable-ComputeService -InventoryPath $p -Reason interrupted -PassThru", inventory.FilePath,
                stopAtOutput: 20);

            var document = inventory.Read();
            var applied = document.Services.Where(s => s.DisabledReason == "interrupted").Select(s => s.Host).ToList();
            Assert.NotEmpty(applied);
            Assert.True(applied.Count < hosts.Count, "every change was applied: the interrupt came too late to test anything");
            var toldApplied = Named(told, "applied but not reported").ToList();
            foreach (var h in applied)
                Assert.True(written.Contains(h) || toldApplied.Contains(h), $"{h} was written to the inventory but never reported (told: {told})");
            Assert.All(written, h => Assert.Contains(h, applied));
        }

        [Fact]
        public void Cloud_AfterAnInterruptEveryAppliedChangeWasReportedOrNamedAsUnknown()
        {
            using var nova = new StatefulNova { PutDelay = TimeSpan.FromMilliseconds(30) };
            for (var i = 1; i <= 200; i++) nova.With($"bulk-{i:000}");
            var host = new RecordingHost();

            var (written, told) = RunAndStop(host,
                "param($u) $c = Connect-ComputeService -Endpoint $u -Token (ConvertTo-SecureString 't' -AsPlainText -Force) -MaximumRetryCount 0 -PassThru\n" +
                "1..200 | ForEach-Object { [pscustomobject]@{ Host = 'bulk-{0:000}' -f $_ } } | Disable-ComputeService -Connection $c -Reason interrupted -PassThru -ThrottleLimit 4",
                nova.ComputeUrl, stopAtOutput: 20);
            Thread.Sleep(300);   // a request cut on the client may still be applied by the server

            var applied = nova.Records.Where(r => r.Reason == "interrupted").Select(r => r.Host).ToList();
            Assert.NotEmpty(applied);
            Assert.True(applied.Count < 200);
            var toldAppliedOrUnknown = Named(told, "applied but not reported").Concat(Named(told, "may or may not have been applied")).ToList();
            foreach (var h in applied)
                Assert.True(written.Contains(h) || toldAppliedOrUnknown.Contains(h), $"{h} was applied by the cloud but never reported (told: {told})");
        }
    }
}
