using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using ComputeServices.Nova;
using Xunit;

namespace ComputeServices.Tests.Nova
{
    /// <summary>The one-pass listing reader gives exactly what the document reader gives, on Nova's samples and edge cases.</summary>
    public sealed class NovaServiceReaderTests
    {
        public static TheoryData<string> Bodies()
        {
            var data = new TheoryData<string>();
            var root = Path.Combine(AppContext.BaseDirectory, "TestData", "os-services");
            foreach (var file in Directory.GetFiles(root, "services-list-get-resp.json", SearchOption.AllDirectories)) data.Add(File.ReadAllText(file));
            data.Add("{\"services\": [{\"binary\": \"nova-compute\", \"host\": \"cell-down-host\", \"status\": \"UNKNOWN\"}]}");
            data.Add("{\"services\": [{\"id\": 7, \"binary\": \"nova-compute\", \"host\": \"h\", \"zone\": \"nova\", \"status\": \"disabled\", \"state\": \"down\", " +
                     "\"disabled_reason\": \"\\u00e9t\\u00e9 \\\"quoted\\\"\", \"updated_at\": \"2026-11-25T12:00:00\", \"forced_down\": \"true\", \"extra\": {\"a\": [1, 2]}}], \"links\": []}");
            data.Add("{\"services\": [{\"id\": \"e3a8c32f-a5d2-576f-8106-6fab7a3d216a\", \"binary\": \"nova-compute\", \"host\": \"h\", \"status\": \"enabled\", " +
                     "\"updated_at\": \"2026-11-25T12:00:00.123456Z\", \"forced_down\": null, \"disabled_reason\": null}]}");
            data.Add("{\"services\": []}");
            // Repeated zones (kept once per listing), escaped zone and status values, more distinct zones than are kept,
            // and timestamps the direct reader leaves to the general one (escaped, with an offset, not a date).
            var rows = Enumerable.Range(0, 80).Select(i =>
                $"{{\"id\": \"{i}\", \"binary\": \"nova-compute\", \"host\": \"h{i}\", \"zone\": \"{(i % 3 == 0 ? "az-\\u0031" : "az-" + (i % 40))}\", " +
                $"\"status\": \"{(i % 2 == 0 ? "en\\u0061bled" : "disabled")}\", \"state\": \"{(i % 5 == 0 ? "down" : "up")}\", " +
                $"\"updated_at\": \"{(i % 4 == 0 ? "2026-11-25T12:00:0\\u0030" : i % 4 == 1 ? "2026-11-25T12:00:00+01:00" : i % 4 == 2 ? "not a date" : "2026-11-25T12:00:00.000001")}\"}}");
            data.Add("{\"services\": [" + string.Join(", ", rows) + "]}");
            return data;
        }

        [Theory]
        [MemberData(nameof(Bodies))]
        public void ReadsWhatTheDocumentReaderReads(string body)
        {
            using var doc = JsonDocument.Parse(body);
            var expected = NovaJson.Services(doc.RootElement, "src");
            var actual = NovaServiceReader.TryRead(body, "src");
            Assert.NotNull(actual);
            Assert.Equal(expected.Count, actual!.Count);
            foreach (var (e, a) in expected.Zip(actual))
            {
                Assert.Equal((e.Id, e.Binary, e.Host, e.Zone, e.Status, e.State, e.ForcedDown, e.DisabledReason, e.UpdatedAt, e.Source),
                             (a.Id, a.Binary, a.Host, a.Zone, a.Status, a.State, a.ForcedDown, a.DisabledReason, a.UpdatedAt, a.Source));
                Assert.Equal(e.UpdatedAt?.Kind, a.UpdatedAt?.Kind);
            }
        }

        [Theory]
        [InlineData("2012-10-29T13:42:02.000000", "2012-10-29T13:42:02.0000000Z")]
        [InlineData("2012-10-29T13:42:02.5", "2012-10-29T13:42:02.5000000Z")]
        [InlineData("2012-10-29 13:42:02", "2012-10-29T13:42:02.0000000Z")]
        [InlineData("2012-10-29T13:42:02+02:00", "2012-10-29T11:42:02.0000000Z")]
        public void ReadsNovasTimestampsAsUtc(string text, string expected)
            => Assert.Equal(expected, NovaServiceReader.Timestamp(text)!.Value.ToString("o"));

        [Theory]
        [InlineData("<html>proxy</html>")]
        [InlineData("[1, 2]")]
        [InlineData("{\"services\": [{\"id\": }]}")]
        public void GivesUpOnABodyThatIsNotTheJsonExpected(string body) => Assert.Null(NovaServiceReader.TryRead(body, "src"));
    }
}
