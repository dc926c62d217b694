using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using ComputeServices.Tests.Nova;
using Xunit;

namespace ComputeServices.Tests.Faults
{
    /// <summary>Issue 8 item 7: every secret, in every form a server may echo it, stays out of logs and errors.</summary>
    public class SecretTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        public static IEnumerable<object[]> Passwords => new[]
        {
            new object[] { "quote\"in-the-middle" },
            new object[] { "back\\slash\\pw" },
            new object[] { "single'quote'pw" },
            new object[] { "both\"and'and\\pw" },
            new object[] { "nön-ÄSCII-pässwörd-€" },
            new object[] { "control\u0001char\tpw" },
            new object[] { "spaces and/slashes+plus&amp=" },
        };

        /// <summary>Tokens travel in a header, so they are printable ASCII; these still need escaping in JSON, repr and URLs.</summary>
        public static IEnumerable<object[]> TokenSuffixes => new[]
        {
            new object[] { "quote\"x" }, new object[] { "back\\slash" }, new object[] { "single'q" }, new object[] { "url/+=&%" },
        };

        /// <summary>Python's json.dumps (ensure_ascii): \" \\ \n, \u00XX for controls, \uXXXX (lower-case hex) for non-ASCII.</summary>
        private static string PythonJson(string value)
        {
            var b = new StringBuilder("\"");
            foreach (var c in value)
            {
                if (c == '"') b.Append("\\\"");
                else if (c == '\\') b.Append("\\\\");
                else if (c == '\n') b.Append("\\n");
                else if (c == '\t') b.Append("\\t");
                else if (c < 0x20 || c > 0x7e) b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else b.Append(c);
            }
            return b.Append('"').ToString();
        }

        /// <summary>Python 3 repr() of a str: ' quotes unless the value has ' and no ", \\xNN for controls, non-ASCII kept.</summary>
        private static string PythonRepr(string value)
        {
            var quote = value.Contains('\'') && !value.Contains('"') ? '"' : '\'';
            var b = new StringBuilder().Append(quote);
            foreach (var c in value)
            {
                if (c == quote || c == '\\') b.Append('\\').Append(c);
                else if (c == '\n') b.Append("\\n");
                else if (c == '\t') b.Append("\\t");
                else if (c < 0x20 || c == 0x7f) b.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                else b.Append(c);
            }
            return b.Append(quote).ToString();
        }

        private static IEnumerable<string> Forms(string secret) => new[]
        {
            secret, PythonJson(secret).Trim('"'), PythonRepr(secret).Substring(1, PythonRepr(secret).Length - 2),
            Uri.EscapeDataString(secret), System.Net.WebUtility.UrlEncode(secret),
        }.Distinct();

        private static void AssertNowhere(string secret, CollectingLog log, ComputeServiceException ex)
        {
            var places = new Dictionary<string, string?>
            {
                ["log"] = log.All, ["Message"] = ex.Message, ["RecommendedAction"] = ex.RecommendedAction,
                ["Target"] = ex.Target?.ToString(), ["ServerMessage"] = ex.ServerMessage,
            };
            foreach (var form in Forms(secret))
                foreach (var place in places)
                    Assert.False(place.Value != null && place.Value.Contains(form), $"'{form}' appears in {place.Key}: {place.Value}");
        }

        [Theory]
        [MemberData(nameof(Passwords))]
        public async Task A_password_echoed_by_Keystone_in_every_encoding_is_masked_everywhere(string password)
        {
            using var nova = new WireNova();
            nova.Fault = async (request, exchange) =>
            {
                if (request.Method != "POST") return false;
                // JSON-escaped as Python writes it, a Python repr inside that, and URL-encoded, plus the raw request echoed back.
                var message = "The password " + password + " (repr " + PythonRepr(password) + ", query password=" + Uri.EscapeDataString(password) +
                              ", form " + System.Net.WebUtility.UrlEncode(password) + ") is wrong.";
                var body = "{\"error\": {\"code\": 401, \"title\": \"Unauthorized\", \"message\": " + PythonJson(message) + ", \"echo\": " + PythonJson(request.Body) + "}}";
                await exchange.RespondAsync(401, body, "application/json", ("X-Echo", Uri.EscapeDataString(password)));
                return true;
            };
            var log = new CollectingLog();
            using var connection = nova.ConnectKeystone(password);

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => connection.ConnectAsync(None, log));

            Assert.Equal(ErrorIds.AuthenticationFailed, ex.ErrorId);
            Assert.Contains("DEBUG: ", log.All); // the body was logged, masked
            AssertNowhere(password, log, ex);
        }

        [Theory]
        [MemberData(nameof(TokenSuffixes))]
        public async Task The_token_Keystone_issued_is_masked_when_Nova_echoes_it(string suffix)
        {
            using var nova = new WireNova();
            string? issued = null;
            nova.TokenValue = n => issued = "gAAAAABissued-" + n + "-" + suffix;
            nova.Fault = async (request, exchange) =>
            {
                if (request.Path != "/v2.1/os-services") return false;
                var token = request.Header("X-Auth-Token") ?? "";
                var message = "Token " + token + " (repr " + PythonRepr(token) + ") may not list services";
                await exchange.RespondAsync(400, "{\"badRequest\": {\"code\": 400, \"message\": " + PythonJson(message) + "}}");
                return true;
            };
            var log = new CollectingLog();
            using var connection = nova.ConnectKeystone();
            using var backend = new NovaBackend(connection, log);

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.ListAsync(ServiceQuery.All, None));

            Assert.NotNull(issued);
            Assert.Contains("DEBUG: ", log.All);
            Assert.Contains("***", ex.Message);
            AssertNowhere(issued!, log, ex);
        }

        [Fact]
        public async Task User_info_in_urls_is_never_shown()
        {
            using var nova = new WireNova();
            const string password = "url-pa55word";
            nova.Fault = async (request, exchange) =>
            {
                if (request.Method != "DELETE") return false;
                await exchange.RespondAsync(500, WireNova.NovaFault(500, "computeFault", "Unexpected API Error."));
                return true;
            };
            var log = new CollectingLog();
            var endpoint = new Uri($"http://operator:{password}@127.0.0.1:{nova.Server.Port}/v2.1");
            using var connection = nova.ConnectStatic(configure: s => s.Endpoint = endpoint);
            using var backend = new NovaBackend(connection, log);

            var services = await backend.ListAsync(ServiceQuery.All, None);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.DeleteAsync(services[0], None));

            var shown = new[] { log.All, connection.Endpoint!.ToString(), connection.ToString(), services[0].Source ?? "", ex.Message, ex.Target?.ToString() ?? "" };
            Assert.All(shown, text => Assert.DoesNotContain("operator", text));
            Assert.All(shown, text => Assert.DoesNotContain(password, text));
            Assert.Contains("VERBOSE: GET http://127.0.0.1:", log.All);
        }

        [Fact]
        public async Task A_keystone_url_with_user_info_is_not_shown()
        {
            using var nova = new WireNova();
            var log = new CollectingLog();
            using var connection = nova.ConnectKeystone(log: log, configure: s => s.AuthUrl = $"http://kuser:kpass-9876@127.0.0.1:{nova.Server.Port}/v3");

            await connection.ConnectAsync(None);

            Assert.DoesNotContain("kpass-9876", log.All + connection.AuthUrl + connection);
            Assert.DoesNotContain("kuser", log.All + connection.AuthUrl + connection);
        }
    }
}
