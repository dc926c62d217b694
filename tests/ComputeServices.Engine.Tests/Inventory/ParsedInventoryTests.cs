using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ComputeServices.Inventory;
using Xunit;

namespace ComputeServices.Tests.Inventory
{
    // The parsed documents are shared by the whole process: these tests count parses, so nothing else may run beside them.
    [CollectionDefinition(nameof(ParsedInventoryCollection), DisableParallelization = true)]
    public sealed class ParsedInventoryCollection
    {
    }

    /// <summary>One parse per file version in a process; writers change their own copy and never base a write on a stale one.</summary>
    [Collection(nameof(ParsedInventoryCollection))]
    public sealed class ParsedInventoryTests
    {
        [Fact]
        public void AfterItsOwnChangeTheProcessNeitherListsNorChangesAgainByParsing()
        {
            using var inventory = TempInventory.Sample();
            using var backend = inventory.Backend();
            var free = Ops.Resolve(backend, "compute-free-01");
            Ops.Update(backend, free, ServiceChange.Disable("first"));

            var parses = InventoryFile.Parses;
            Assert.Equal("first", Ops.Resolve(backend, "compute-free-01").DisabledReason);
            Ops.Update(backend, Ops.Resolve(backend, "compute-free-02"), ServiceChange.Disable("second"));
            var listed = Ops.List(backend);
            Assert.Equal(parses, InventoryFile.Parses);

            Assert.Equal("second", listed.Single(s => s.Host == "compute-free-02").DisabledReason);
            var onDisk = new InventoryFile(inventory.Path).Read();
            Assert.Equal("first", onDisk.Services.Single(s => s.Host == "compute-free-01" && s.Binary == "nova-compute").DisabledReason);
            Assert.Equal("second", onDisk.Services.Single(s => s.Host == "compute-free-02" && s.Binary == "nova-compute").DisabledReason);
        }

        [Fact]
        public void AWriterSeesAnotherWritersChangeEvenWithTheSameLengthAndWriteTime()
        {
            using var inventory = TempInventory.Sample();
            using var backend = inventory.Backend();
            Ops.Update(backend, Ops.Resolve(backend, "compute-free-01"), ServiceChange.Disable("aaaa"));
            var stamp = new FileInfo(inventory.Path).LastWriteTimeUtc;

            // Another writer changes the file in place, to the same length, and the clock shows no change.
            var text = File.ReadAllText(inventory.Path);
            Assert.Single(AllIndexes(text, "\"aaaa\""));
            File.WriteAllText(inventory.Path, text.Replace("\"aaaa\"", "\"bbbb\""));
            File.SetLastWriteTimeUtc(inventory.Path, stamp);

            var parses = InventoryFile.Parses;
            Ops.Update(backend, Ops.Resolve(backend, "compute-free-02"), ServiceChange.Disable("mine"));
            Assert.True(InventoryFile.Parses > parses, "the changed file was not parsed under the lock");

            var onDisk = new InventoryFile(inventory.Path).Read();
            Assert.Equal("bbbb", onDisk.Services.Single(s => s.Host == "compute-free-01" && s.Binary == "nova-compute").DisabledReason);
            Assert.Equal("mine", onDisk.Services.Single(s => s.Host == "compute-free-02" && s.Binary == "nova-compute").DisabledReason);
        }

        [Fact]
        public void AListingSeesAnotherProcesssChangeOfTheSameLengthAndWriteTime()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return; // cp and touch play the other process
            using var inventory = TempInventory.Sample();
            using var backend = inventory.Backend();
            Ops.Update(backend, Ops.Resolve(backend, "compute-free-01"), ServiceChange.Disable("teamA"));
            Assert.Equal("teamA", Ops.Resolve(backend, "compute-free-01").DisabledReason);

            // Another process takes the host over in place, to the same length, and the file system's coarse clock
            // shows no change (touch -r puts the old write time back).
            var text = File.ReadAllText(inventory.Path);
            Assert.Single(AllIndexes(text, "\"teamA\""));
            var changed = inventory.Path + ".changed";
            File.WriteAllText(changed, text.Replace("\"teamA\"", "\"teamB\""));
            var stampBefore = new FileInfo(inventory.Path).LastWriteTimeUtc;
            using (var other = Process.Start(new ProcessStartInfo("/bin/sh", new[] { "-c", "ref=\"$1.ref\"; cp -p \"$1\" \"$ref\" && cp \"$2\" \"$1\" && touch -r \"$ref\" \"$1\"", "sh", inventory.Path, changed }) { UseShellExecute = false })!)
            {
                other.WaitForExit();
                Assert.Equal(0, other.ExitCode);
            }
            Assert.Equal(stampBefore, new FileInfo(inventory.Path).LastWriteTimeUtc);

            Assert.Equal("teamB", Ops.Resolve(backend, "compute-free-01").DisabledReason);
            Assert.Equal("teamB", Ops.List(backend).Single(s => s.Host == "compute-free-01" && s.Binary == "nova-compute").DisabledReason);
            var parses = InventoryFile.Parses;
            Ops.List(backend);
            Assert.Equal(parses, InventoryFile.Parses); // and, unchanged again, it is not parsed again
        }

        [Fact]
        public void AStampTooRecentToProveAnything_IsCheckedByContent_AnOlderOneIsTrusted()
        {
            using var inventory = TempInventory.Sample();
            var target = inventory.Path;
            var bytes = File.ReadAllBytes(target);
            var document = InventoryFile.Parse(bytes, target);
            // The stamp the file had when read; then another process changes it to the same length without the stamp
            // moving (a 1-second file system, within the second): played by handing the old stamp back.
            var stamp = ParsedInventories.StampOf(target)!.Value;
            var seen = DateTime.UtcNow;
            File.WriteAllBytes(target, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("compute-free-01", "compute-free-xx")));
            Assert.Equal(bytes.Length, new FileInfo(target).Length);

            // Seen within the racy window of the stamp: compared by content, so the change is found.
            ParsedInventories.Remember(target, stamp, bytes.Length, ContentHash.Of(bytes), document, seen);
            Assert.Null(ParsedInventories.ForReading(target, stamp));

            // Seen well after the stamp: any later change would have moved it, so it is trusted without reading the file.
            ParsedInventories.Remember(target, stamp, bytes.Length, ContentHash.Of(bytes), document, stamp.LatestTime + ParsedInventories.RacyWindow);
            Assert.Same(document, ParsedInventories.ForReading(target, stamp));
            ParsedInventories.Forget(target);
        }

        [Fact]
        public void OnLinux_TheStampHoldsTheStatusChangeTime_WhichTouchCannotSetBack()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            using var inventory = TempInventory.Sample();
            var before = ParsedInventories.StampOf(inventory.Path)!.Value;
            Assert.NotNull(before.ChangedAt);
            Assert.NotNull(before.Inode);
            System.Threading.Thread.Sleep(20);
            File.SetLastWriteTimeUtc(inventory.Path, before.WrittenAt);
            var after = ParsedInventories.StampOf(inventory.Path)!.Value;
            Assert.Equal(before.WrittenAt, after.WrittenAt);
            Assert.NotEqual(before, after);
        }

        [Fact]
        public void AFailedChangeLeavesTheSharedDocumentAsTheFileIs()
        {
            using var inventory = TempInventory.Sample();
            using var backend = inventory.Backend();
            var listedBefore = Ops.List(backend).Select(s => s.ToString() + s.Status + s.DisabledReason).ToList();
            var file = new InventoryFile(inventory.Path);
            Assert.Throws<InvalidOperationException>(() => file.Update<bool>(document =>
            {
                document.Services.Clear();
                document.Aggregates.Clear();
                throw new InvalidOperationException("the change failed half-way");
            }));
            var listedAfter = Ops.List(backend).Select(s => s.ToString() + s.Status + s.DisabledReason).ToList();
            Assert.Equal(listedBefore, listedAfter);
        }

        [Fact]
        public void ACopyIsDeepForEveryRecordAndItsUnknownFields()
        {
            var original = InventoryFile.Parse(Encoding.UTF8.GetBytes(EveryFieldJson), "every-field.json");
            var before = JsonSerializer.Serialize(original, InventoryFile.JsonOptions);
            var copy = original.Copy();
            Assert.Equal(before, JsonSerializer.Serialize(copy, InventoryFile.JsonOptions));

            foreach (var record in RecordsOf(copy).ToList()) Scramble(record);
            Scramble(copy);
            Assert.Equal(before, JsonSerializer.Serialize(original, InventoryFile.JsonOptions));
            Assert.NotEqual(before, JsonSerializer.Serialize(copy, InventoryFile.JsonOptions));
        }

        private static IEnumerable<object> RecordsOf(InventoryDocument d)
            => new object[] { d.Settings }.Concat(d.Services).Concat(d.ComputeNodes).Concat(d.Instances).Concat(d.Migrations).Concat(d.Aggregates);

        // Changes every settable property and every collection in place, whatever the record type: a property added
        // later without a deep copy makes the original change too, and this test fail.
        private static void Scramble(object record)
        {
            foreach (var property in record.GetType().GetProperties().Where(p => p.CanWrite))
            {
                var value = property.GetValue(record);
                switch (value)
                {
                    case string s: property.SetValue(record, s + "~"); break;
                    case long l: property.SetValue(record, l + 1); break;
                    case int i: property.SetValue(record, i + 1); break;
                    case bool b: property.SetValue(record, !b); break;
                    case DateTime t: property.SetValue(record, t.AddDays(1)); break;
                    case List<string> list: list.Add("scrambled"); break;
                    case Dictionary<string, string> map: map["scrambled"] = "yes"; break;
                    case Dictionary<string, JsonElement> extra: extra["scrambled"] = JsonDocument.Parse("1").RootElement; break;
                    case System.Collections.IList list: list.RemoveAt(0); break;
                    case null: break;
                    default:
                        if (property.PropertyType.IsClass) Scramble(value);
                        break;
                }
            }
        }

        private static IEnumerable<int> AllIndexes(string text, string value)
        {
            for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal)) yield return i;
        }

        private const string EveryFieldJson = @"{
  ""schema_version"": 1, ""top_extra"": {""a"": 1},
  ""settings"": { ""service_down_time"": 60, ""default_availability_zone"": ""nova"", ""internal_service_availability_zone"": ""internal"", ""s_extra"": true },
  ""services"": [ { ""id"": 7, ""uuid"": ""8f6e2f4c-1b8a-4a4e-9d36-0f3c8f2d9b11"", ""binary"": ""nova-compute"", ""host"": ""h1"", ""disabled"": true,
                  ""disabled_reason"": ""r"", ""forced_down"": true, ""last_seen_up"": ""2026-01-01T00:00:00Z"", ""created_at"": ""2026-01-01T00:00:00Z"",
                  ""updated_at"": ""2026-01-01T00:00:00Z"", ""svc_extra"": ""x"" } ],
  ""compute_nodes"": [ { ""uuid"": ""1f6e2f4c-1b8a-4a4e-9d36-0f3c8f2d9b11"", ""host"": ""h1"", ""hypervisor_hostname"": ""h1.example"", ""n_extra"": 1 } ],
  ""instances"": [ { ""uuid"": ""2f6e2f4c-1b8a-4a4e-9d36-0f3c8f2d9b11"", ""name"": ""vm"", ""host"": ""h1"", ""node"": ""h1.example"", ""vm_state"": ""active"", ""i_extra"": 1 } ],
  ""migrations"": [ { ""uuid"": ""3f6e2f4c-1b8a-4a4e-9d36-0f3c8f2d9b11"", ""instance_uuid"": ""2f6e2f4c-1b8a-4a4e-9d36-0f3c8f2d9b11"", ""migration_type"": ""live-migration"",
                    ""status"": ""completed"", ""source_compute"": ""h1"", ""source_node"": ""h1.example"", ""dest_compute"": ""h1"", ""dest_node"": ""h1.example"", ""m_extra"": 1 } ],
  ""aggregates"": [ { ""uuid"": ""4f6e2f4c-1b8a-4a4e-9d36-0f3c8f2d9b11"", ""name"": ""a"", ""hosts"": [""h1""], ""metadata"": {""availability_zone"": ""az1""}, ""a_extra"": 1 } ]
}";
    }
}
