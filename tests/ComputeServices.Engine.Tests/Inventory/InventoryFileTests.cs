using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComputeServices.Inventory;
using Xunit;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>InventoryFile: parsing, validation, never overwriting a bad file, round-tripping, atomic writes.</summary>
    public class InventoryFileTests
    {
        private const string ValidService = @"{ ""id"": 1, ""uuid"": ""e81d66a4-ddd3-4aba-8a84-171d1cb4d339"", ""binary"": ""nova-compute"", ""host"": ""host1"" }";

        private static string SampleJson() => JsonSerializer.Serialize(SampleInventory.Create(Now));

        private static ComputeServiceException Corrupt(string json, params string[] mustMention)
        {
            using var t = WithText(json);
            var ex = Assert.Throws<ComputeServiceException>(() => t.OpenFile().Read());
            Assert.Equal(ErrorIds.InventoryCorrupt, ex.ErrorId);
            Assert.Equal(FailureKind.InvalidData, ex.Kind);
            Assert.Contains(t.Path, ex.Message);
            foreach (var m in mustMention) Assert.Contains(m, ex.Message);
            // The backend reports the same, and an update attempt never overwrites the file.
            var before = t.Bytes();
            var backend = t.Backend();
            Assert.Equal(ErrorIds.InventoryCorrupt, Assert.Throws<ComputeServiceException>(() => Ops.List(backend)).ErrorId);
            var any = new ComputeService("e81d66a4-ddd3-4aba-8a84-171d1cb4d339", "nova-compute", "host1", "nova", "enabled", "up", false, null, Now);
            Assert.Equal(ErrorIds.InventoryCorrupt, Assert.Throws<ComputeServiceException>(() => Ops.Update(backend, any, ServiceChange.Disable("x"))).ErrorId);
            Assert.Equal(ErrorIds.InventoryCorrupt, Assert.Throws<ComputeServiceException>(() => Ops.Delete(backend, any)).ErrorId);
            Assert.Equal(ErrorIds.InventoryCorrupt, Assert.Throws<ComputeServiceException>(() => t.OpenFile().Update(d => 0)).ErrorId);
            Assert.Equal(before, t.Bytes());
            Assert.Empty(t.TempFiles());
            return ex;
        }

        [Fact]
        public void NotJson_IsCorrupt_NamingFileAndLine()
        {
            var ex = Corrupt("{\n  \"schema_version\": 1,\n  \"services\": [\n    { \"id\": 1,, }\n  ]\n}", "line 4");
            Assert.NotNull(ex.RecommendedAction);
        }

        [Fact]
        public void TruncatedJson_IsCorrupt()
        {
            var json = SampleJson();
            Corrupt(json.Substring(0, json.Length / 2));
        }

        [Fact]
        public void WrongTypedField_IsCorrupt_NamingThePath()
            => Corrupt("{ \"schema_version\": 1, \"services\": [ { \"id\": 1, \"uuid\": \"e81d66a4-ddd3-4aba-8a84-171d1cb4d339\", \"binary\": \"nova-compute\", \"host\": \"h\", \"disabled\": \"yes\" } ] }",
                "services[0].disabled");

        [Theory]
        [InlineData("{ \"services\": [] }")]
        [InlineData("{ \"schema_version\": 2, \"services\": [] }")]
        [InlineData("{ \"schema_version\": \"1\", \"services\": [] }")]
        [InlineData("{ \"schema_version\": 1.5, \"services\": [] }")]
        [InlineData("{ \"schema_version\": null, \"services\": [] }")]
        public void BadSchemaVersion_IsCorrupt_NamingSchemaVersion(string json)
            => Corrupt(json, "schema_version");

        [Theory]
        [InlineData("[]")]
        [InlineData("null")]
        [InlineData("1")]
        [InlineData("")]
        public void NonObjectDocument_IsCorrupt(string json) => Corrupt(json);

        [Fact]
        public void ServiceMissingHost_IsCorrupt_NamingTheField()
            => Corrupt("{ \"schema_version\": 1, \"services\": [ " + ValidService +
                       ", { \"id\": 2, \"uuid\": \"13aa304e-5340-45a7-a7fb-b6d6e914d272\", \"binary\": \"nova-compute\" } ] }", "services[1].host");

        [Fact]
        public void DuplicatedUuid_IsCorrupt_NamingTheField()
            => Corrupt("{ \"schema_version\": 1, \"services\": [ " + ValidService +
                       ", { \"id\": 2, \"uuid\": \"E81D66A4-DDD3-4ABA-8A84-171D1CB4D339\", \"binary\": \"nova-compute\", \"host\": \"host2\" } ] }", "services[1].uuid");

        /// <summary>
        /// BUG: the validator compares uuids as strings (OrdinalIgnoreCase), but services are found by Guid value, so the same
        /// uuid spelled without dashes (or in braces) passes validation and then an update of the second service lands on the first.
        /// </summary>
        [Fact]
        public void DuplicatedUuid_SpelledDifferently_IsCorrupt()
            => Corrupt("{ \"schema_version\": 1, \"services\": [ " + ValidService +
                       ", { \"id\": 2, \"uuid\": \"e81d66a4ddd34aba8a84171d1cb4d339\", \"binary\": \"nova-compute\", \"host\": \"host2\" } ] }", "services[1].uuid");

        [Fact]
        public void DuplicatedLegacyId_IsCorrupt()
            => Corrupt("{ \"schema_version\": 1, \"services\": [ " + ValidService +
                       ", { \"id\": 1, \"uuid\": \"13aa304e-5340-45a7-a7fb-b6d6e914d272\", \"binary\": \"nova-compute\", \"host\": \"host2\" } ] }", "services[1].id");

        [Fact]
        public void NotAUuid_IsCorrupt()
            => Corrupt("{ \"schema_version\": 1, \"services\": [ { \"id\": 1, \"uuid\": \"not-a-uuid\", \"binary\": \"nova-compute\", \"host\": \"h\" } ] }", "services[0].uuid");

        [Fact]
        public void ReasonOver255_IsCorrupt_NamingTheField()
            => Corrupt("{ \"schema_version\": 1, \"services\": [ " + ValidService +
                       ", { \"id\": 2, \"uuid\": \"13aa304e-5340-45a7-a7fb-b6d6e914d272\", \"binary\": \"nova-compute\", \"host\": \"host2\", \"disabled\": true, \"disabled_reason\": \"" +
                       new string('x', 256) + "\" } ] }", "services[1].disabled_reason");

        [Fact]
        public void TwoServicesOfOneBinaryOnOneHost_IsCorrupt()
            => Corrupt("{ \"schema_version\": 1, \"services\": [ " +
                       "{ \"id\": 1, \"uuid\": \"e81d66a4-ddd3-4aba-8a84-171d1cb4d339\", \"binary\": \"nova-scheduler\", \"host\": \"host1\" }" +
                       ", { \"id\": 2, \"uuid\": \"13aa304e-5340-45a7-a7fb-b6d6e914d272\", \"binary\": \"nova-scheduler\", \"host\": \"host1\" } ] }", "services[1]");

        /// <summary>A compute host name in two cells (exported from a multi-cell cloud) keeps both records.</summary>
        [Fact]
        public void TwoComputesOfOneHost_AreTheSameNameInTwoCells()
        {
            using var t = WithText("{ \"schema_version\": 1, \"services\": [ " + ValidService +
                                   ", { \"id\": 2, \"uuid\": \"13aa304e-5340-45a7-a7fb-b6d6e914d272\", \"binary\": \"nova-compute\", \"host\": \"host1\" } ] }");
            Assert.Equal(2, new ComputeServices.Inventory.InventoryFile(t.Path).Read().Services.Count);
        }

        [Fact]
        public void ReasonOf255_IsValid()
        {
            using var t = WithText("{ \"schema_version\": 1, \"services\": [ { \"id\": 1, \"uuid\": \"e81d66a4-ddd3-4aba-8a84-171d1cb4d339\", \"binary\": \"nova-compute\", \"host\": \"h\", \"disabled\": true, \"disabled_reason\": \"" +
                                   new string('x', 255) + "\" } ] }");
            Assert.Equal(255, t.Read().Services.Single().DisabledReason!.Length);
        }

        [Fact]
        public void ReasonOf255Emoji_IsValid_CountedInCodePointsAsNovaDoes()
        {
            var reason = string.Concat(Enumerable.Repeat("\U0001F600", 255));
            using var t = WithText("{ \"schema_version\": 1, \"services\": [ { \"id\": 1, \"uuid\": \"e81d66a4-ddd3-4aba-8a84-171d1cb4d339\", \"binary\": \"nova-compute\", \"host\": \"h\", \"disabled\": true, \"disabled_reason\": \"" +
                                   reason + "\" } ] }");
            Assert.Equal(reason, t.Read().Services.Single().DisabledReason);
        }

        [Fact]
        public void CommentsAndTrailingCommas_AreAccepted()
        {
            using var t = WithText("// hand edited\n{ \"schema_version\": 1, /* one */ \"services\": [ " + ValidService + ", ], }");
            Assert.Equal("host1", t.Read().Services.Single().Host);
        }

        [Fact]
        public void MissingFile_IsInventoryNotFound()
        {
            using var t = Empty();
            var ex = Assert.Throws<ComputeServiceException>(() => t.OpenFile().Read());
            Assert.Equal(ErrorIds.InventoryNotFound, ex.ErrorId);
            Assert.Equal(FailureKind.NotFound, ex.Kind);
            Assert.Contains(t.Path, ex.Message);
            Assert.Equal(ErrorIds.InventoryNotFound, Assert.Throws<ComputeServiceException>(() => Ops.List(t.Backend())).ErrorId);
            Assert.Equal(ErrorIds.InventoryNotFound, Assert.Throws<ComputeServiceException>(() => t.OpenFile().Update(d => 0)).ErrorId);
            Assert.False(File.Exists(t.Path));
            var inMissingFolder = new InventoryFile(Path.Combine(t.Folder, "no-such-dir", "inv.json"));
            Assert.Equal(ErrorIds.InventoryNotFound, Assert.Throws<ComputeServiceException>(() => inMissingFolder.Read()).ErrorId);
        }

        [Fact]
        public void UnknownProperties_SurviveAnUpdate()
        {
            var node = JsonNode.Parse(SampleJson())!;
            node["x_owner"] = "team-compute";
            node["x_nested"] = new JsonObject { ["a"] = new JsonArray(1, 2, 3) };
            node["settings"]!["x_setting"] = 42;
            node["services"]![4]!["x_rack"] = "r12";
            node["services"]![9]!["x_note"] = new JsonObject { ["ticket"] = "OPS-1" };
            node["compute_nodes"]![0]!["x_cpu"] = "epyc";
            node["migrations"]![0]!["x_m"] = true;
            node["aggregates"]![0]!["x_a"] = "agg";
            node["instances"]![0]!["x_i"] = 7;
            using var t = WithText(node.ToJsonString());
            var backend = t.Backend();

            Ops.Update(backend, Ops.Resolve(backend, "compute-free-01"), ServiceChange.Disable("round trip"));

            var after = JsonNode.Parse(File.ReadAllText(t.Path))!;
            Assert.Equal("team-compute", (string?)after["x_owner"]);
            Assert.Equal("[1,2,3]", after["x_nested"]!["a"]!.ToJsonString());
            Assert.Equal(42, (int)after["settings"]!["x_setting"]!);
            Assert.Equal("r12", (string?)after["services"]![4]!["x_rack"]);
            Assert.Equal("compute-free-01", (string?)after["services"]![8]!["host"]);
            Assert.Equal("round trip", (string?)after["services"]![8]!["disabled_reason"]);
            Assert.Equal("OPS-1", (string?)after["services"]![9]!["x_note"]!["ticket"]);
            Assert.Equal("epyc", (string?)after["compute_nodes"]![0]!["x_cpu"]);
            Assert.True((bool)after["migrations"]![0]!["x_m"]!);
            Assert.Equal("agg", (string?)after["aggregates"]![0]!["x_a"]);
            Assert.Equal(7, (int)after["instances"]![0]!["x_i"]!);
        }

        [Fact]
        public void Create_RefusesAnExistingFile_UnlessOverwrite()
        {
            using var t = Sample();
            var before = t.Bytes();
            var empty = SampleInventory.Empty();
            var ex = Assert.Throws<ComputeServiceException>(() => t.OpenFile().Create(empty, overwrite: false));
            Assert.Equal(ErrorIds.InventoryExists, ex.ErrorId);
            Assert.Contains(t.Path, ex.Message);
            Assert.Equal(before, t.Bytes());

            t.OpenFile().Create(empty, overwrite: true);
            Assert.Empty(t.Read().Services);
            Assert.Empty(t.TempFiles());
        }

        [Fact]
        public void Create_MakesTheFolder_AndWritesAReadableFile()
        {
            using var t = Empty();
            var path = Path.Combine(t.Folder, "a", "b", "inv.json");
            new InventoryFile(path).Create(SampleInventory.Create(Now), overwrite: false);
            Assert.Equal(13, new InventoryFile(path).Read().Services.Count);
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            Assert.Equal(1, doc.RootElement.GetProperty("schema_version").GetInt32());
            Assert.Equal("compute-busy-01", doc.RootElement.GetProperty("services")[4].GetProperty("host").GetString());
        }

        [Fact]
        public void Create_RefusesAnInvalidDocument()
        {
            using var t = Empty();
            var doc = SampleInventory.Create(Now);
            doc.Services[1].Host = "";
            var ex = Assert.Throws<ComputeServiceException>(() => t.OpenFile().Create(doc, overwrite: false));
            Assert.Equal(ErrorIds.InventoryCorrupt, ex.ErrorId);
            Assert.Contains("services[1].host", ex.Message);
            Assert.False(File.Exists(t.Path));
        }

        [Fact]
        public void FailedReplace_LeavesTheOriginalByteIdentical_AndNoTempFile()
        {
            using var t = Sample();
            var before = t.Bytes();
            var file = t.OpenFile();
            string? seenTemp = null;
            file.BeforeReplace = temp =>
            {
                seenTemp = temp;
                Assert.True(File.Exists(temp));
                throw new IOException("disk pulled");
            };
            var backend = new InventoryBackend(file, () => Now);
            var ex = Assert.Throws<ComputeServiceException>(() => Ops.Update(backend, Ops.Resolve(backend, "compute-free-01"), ServiceChange.Disable("lost")));
            Assert.Equal(ErrorIds.InventoryWriteFailed, ex.ErrorId);
            Assert.Equal(FailureKind.WriteFailed, ex.Kind);
            Assert.Contains("disk pulled", ex.Message);
            Assert.Contains("not changed", ex.Message);
            Assert.NotNull(seenTemp);
            Assert.Equal(t.Folder, Path.GetDirectoryName(seenTemp));
            Assert.Equal(before, t.Bytes());
            Assert.Empty(t.TempFiles());
            Assert.False(File.Exists(seenTemp));
            Assert.Equal("enabled", Ops.Resolve(t.Backend(), "compute-free-01").Status);

            // The lock was released: the next writer gets through.
            file.BeforeReplace = null;
            Ops.Update(backend, Ops.Resolve(backend, "compute-free-01"), ServiceChange.Disable("kept"));
            Assert.Equal("kept", Ops.Resolve(t.Backend(), "compute-free-01").DisabledReason);
        }

        [Fact]
        public void FailedCreate_WithOverwrite_LeavesTheOriginal()
        {
            using var t = Sample();
            var before = t.Bytes();
            var file = t.OpenFile();
            file.BeforeReplace = _ => throw new UnauthorizedAccessException("nope");
            var ex = Assert.Throws<ComputeServiceException>(() => file.Create(SampleInventory.Empty(), overwrite: true));
            Assert.Equal(ErrorIds.InventoryWriteFailed, ex.ErrorId);
            Assert.IsType<UnauthorizedAccessException>(ex.InnerException);
            Assert.Equal(before, t.Bytes());
            Assert.Empty(t.TempFiles());
        }

        [Fact]
        public void AnExceptionInsideUpdate_WritesNothing()
        {
            using var t = Sample();
            var before = t.Bytes();
            var writes = 0;
            var file = t.OpenFile();
            file.BeforeReplace = _ => writes++;
            Assert.Throws<InvalidOperationException>(() => file.Update<int>(d =>
            {
                d.Services.Clear();
                throw new InvalidOperationException("changed my mind");
            }));
            Assert.Equal(0, writes);
            Assert.Equal(before, t.Bytes());
        }

        [Fact]
        public void Update_WritesAFileThatParsesBackToTheSameDocument()
        {
            using var t = Sample();
            var file = t.OpenFile();
            file.Update(d => { d.Services[5].DisabledReason = "ünïcödé \"quoted\" \n newline"; d.Services[5].Disabled = true; return 0; });
            var s = t.Read().Services[5];
            Assert.Equal("ünïcödé \"quoted\" \n newline", s.DisabledReason);
            Assert.Equal(JsonSerializer.Serialize(t.Read()), JsonSerializer.Serialize(InventoryFile.Parse(File.ReadAllText(t.Path), t.Path)));
        }

        [Fact]
        public void AFileWithAUtf8ByteOrderMark_AsWindowsPowerShellWritesIt_IsRead()
        {
            using var t = Sample();
            var bytes = File.ReadAllBytes(t.Path);
            File.WriteAllBytes(t.Path, new byte[] { 0xEF, 0xBB, 0xBF }.Concat(bytes).ToArray());
            Assert.Equal(SampleInventory.Create(Now).Services.Count, new InventoryFile(t.Path).Read().Services.Count);
        }

        [Fact]
        public void ANewerSchemaThatDoesNotDeserialize_IsReportedByItsVersion()
        {
            using var t = Sample();
            File.WriteAllText(t.Path, "{ \"schema_version\": 2, \"services\": { \"by_host\": {} } }");
            var ex = Assert.Throws<ComputeServiceException>(() => new InventoryFile(t.Path).Read());
            Assert.Equal(ErrorIds.InventoryCorrupt, ex.ErrorId);
            Assert.Contains("schema_version 2 is not supported", ex.Message);
        }
    }
}
