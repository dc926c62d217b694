using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ComputeServices.Inventory;
using Xunit;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>
    /// Text the deserializer would take but a rewrite would silently change: keys twice (also in another case) and
    /// bytes that are not UTF-8. Refused as InventoryCorrupt naming the line, and the file is left byte for byte.
    /// </summary>
    public class HostileTextTests
    {
        private const string Uuid = "e81d66a4-ddd3-4aba-8a84-171d1cb4d339";

        private static byte[] Inventory(string service, string top = "")
            => Encoding.UTF8.GetBytes("{\n  \"schema_version\": 1,\n" + top + "  \"services\": [\n    " + service + "\n  ]\n}\n");

        private static ComputeServiceException Refused(byte[] bytes, params string[] mustMention)
        {
            using var t = Empty();
            File.WriteAllBytes(t.Path, bytes);
            var ex = Assert.Throws<ComputeServiceException>(() => t.OpenFile().Read());
            Assert.Equal(ErrorIds.InventoryCorrupt, ex.ErrorId);
            Assert.Equal(FailureKind.InvalidData, ex.Kind);
            foreach (var m in mustMention) Assert.Contains(m, ex.Message);
            var backend = t.Backend();
            Assert.Equal(ErrorIds.InventoryCorrupt, Assert.Throws<ComputeServiceException>(() => Ops.List(backend)).ErrorId);
            var any = new ComputeService(Uuid, "nova-compute", "host1", "nova", "enabled", "up", false, null, Now);
            Assert.Equal(ErrorIds.InventoryCorrupt, Assert.Throws<ComputeServiceException>(() => Ops.Update(backend, any, ServiceChange.Disable("x"))).ErrorId);
            Assert.Equal(ErrorIds.InventoryCorrupt, Assert.Throws<ComputeServiceException>(() => t.OpenFile().Update(d => 0)).ErrorId);
            Assert.Equal(bytes, t.Bytes());
            Assert.Empty(t.TempFiles());
            return ex;
        }

        [Fact]
        public void AKeyTwice_IsCorrupt_NamingTheLineAndTheKey()
            => Refused(Inventory($"{{ \"id\": 1, \"uuid\": \"{Uuid}\", \"binary\": \"nova-compute\",\n      \"host\": \"host1\",\n      \"host\": \"host2\" }}"),
                "line 6", "\"host\" appears twice", "line 5");

        [Fact]
        public void KeysDifferingOnlyInCase_AreCorrupt()
            => Refused(Inventory($"{{ \"id\": 1, \"uuid\": \"{Uuid}\", \"binary\": \"nova-compute\", \"Host\": \"host1\",\n      \"host\": \"host2\" }}"),
                "line 5", "\"Host\" and \"host\"");

        [Fact]
        public void TopLevelKeysDifferingOnlyInCase_AreCorrupt()
            => Refused(Inventory($"{{ \"id\": 1, \"uuid\": \"{Uuid}\", \"binary\": \"nova-compute\", \"host\": \"host1\" }}", "  \"Services\": [],\n"),
                "line 4", "\"Services\" and \"services\"");

        [Fact]
        public void AnEscapedSpellingOfTheSameKey_IsCorrupt()
            => Refused(Inventory($"{{ \"id\": 1, \"uuid\": \"{Uuid}\", \"binary\": \"nova-compute\", \"host\": \"host1\", \"ho\\u0073t\": \"host2\" }}"),
                "\"host\" appears twice");

        [Fact]
        public void TheSameKeyInSiblingObjects_IsFine()
        {
            using var t = WithText("{ \"schema_version\": 1, \"services\": [ " +
                $"{{ \"id\": 1, \"uuid\": \"{Uuid}\", \"binary\": \"nova-compute\", \"host\": \"h1\", \"x\": {{ \"host\": 1 }} }}, " +
                "{ \"id\": 2, \"uuid\": \"f81d66a4-ddd3-4aba-8a84-171d1cb4d339\", \"binary\": \"nova-compute\", \"host\": \"h2\" } ] }");
            Assert.Equal(2, t.Read().Services.Count);
        }

        [Theory]
        [InlineData(new byte[] { 0xFF }, "0xFF")]
        [InlineData(new byte[] { 0xC0, 0xAF }, "0xC0")]           // overlong '/'
        [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "0xED")]     // a UTF-16 surrogate
        [InlineData(new byte[] { 0xE2, 0x82 }, "0xE2")]           // cut short
        [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, "0xF4")] // beyond U+10FFFF
        public void BytesThatAreNotUtf8_AreCorrupt_NamingTheLineAndTheByte(byte[] bad, string named)
        {
            var before = Encoding.UTF8.GetBytes($"{{ \"id\": 1, \"uuid\": \"{Uuid}\", \"binary\": \"nova-compute\", \"host\": \"host1\",\n      \"disabled\": true, \"disabled_reason\": \"caf");
            var after = Encoding.UTF8.GetBytes("\" }");
            var head = Encoding.UTF8.GetBytes("{\n  \"schema_version\": 1,\n  \"services\": [\n    ");
            var tail = Encoding.UTF8.GetBytes("\n  ]\n}\n");
            Refused(head.Concat(before).Concat(bad).Concat(after).Concat(tail).ToArray(), "line 5", named, "UTF-8");
        }

        [Fact]
        public void NotUtf8InAnUnknownField_IsCorrupt()
        {
            var bytes = Inventory($"{{ \"id\": 1, \"uuid\": \"{Uuid}\", \"binary\": \"nova-compute\", \"host\": \"host1\", \"note\": \"X\" }}");
            bytes[Array.LastIndexOf(bytes, (byte)'X')] = 0x80;
            Refused(bytes, "line 4", "0x80");
        }

        [Fact]
        public void EveryWellFormedUtf8Sequence_IsAccepted()
        {
            var reason = "é€😀\u07FF\uFFFD\U0010FFFF";
            using var t = WithText(Encoding.UTF8.GetString(Inventory(
                $"{{ \"id\": 1, \"uuid\": \"{Uuid}\", \"binary\": \"nova-compute\", \"host\": \"host1\", \"disabled\": true, \"disabled_reason\": \"{reason}\" }}")));
            Assert.Equal(reason, t.Read().Services[0].DisabledReason);
        }

        [Fact]
        public void ALargeFile_IsCheckedToo()
        {
            var doc = new InventoryDocument();
            for (var i = 0; i < 3000; i++) doc.Services.Add(Svc(i + 1, $"host-{i:00000}"));
            var text = JsonSerializer.Serialize(doc, InventoryJson.Default.InventoryDocument);
            Assert.True(text.Length > 512 * 1024);
            var at = text.IndexOf("\"host\": \"host-02999\"", StringComparison.Ordinal);
            var line = text.Take(at).Count(c => c == '\n') + 1;
            Refused(Encoding.UTF8.GetBytes(text.Insert(at, "\"HOST\": \"x\", ")), $"line {line}", "\"HOST\" and \"host\"");
            Refused(Encoding.UTF8.GetBytes(text.Insert(at + 9, "\u0001")).Select(b => b == 1 ? (byte)0xFE : b).ToArray(), $"line {line}", "0xFE");
        }
    }
}
