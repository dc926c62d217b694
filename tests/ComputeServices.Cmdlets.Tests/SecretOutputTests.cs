using System;
using System.Linq;
using System.Text;
using ComputeServices.Tests.Faults;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>Issue 8 item 7 at the surface: a password Keystone echoes never reaches any stream, $Error or its Out-String.</summary>
    public class SecretOutputTests
    {
        [Theory]
        [InlineData("quote\"and\\back'single")]
        [InlineData("nön-ÄSCII/+ &=€")]
        public void A_password_echoed_by_Keystone_appears_in_no_stream_and_not_in_Error(string password)
        {
            using var nova = new WireNova();
            nova.Fault = async (request, exchange) =>
            {
                if (request.Method != "POST") return false;
                var echo = System.Text.Json.JsonSerializer.Serialize("Wrong password " + password + " url " + Uri.EscapeDataString(password) + " body " + request.Body);
                await exchange.RespondAsync(401, "{\"error\": {\"code\": 401, \"title\": \"Unauthorized\", \"message\": " + echo + "}}");
                return true;
            };
            using var ps = CmdletHost.Create();
            ps.AddScript(@"param($url, $pw)
                $cred = [pscredential]::new('admin', (ConvertTo-SecureString $pw -AsPlainText -Force))
                Connect-ComputeService -AuthUrl $url -Credential $cred -ProjectName admin -Verbose -Debug -ErrorAction SilentlyContinue
                $Error[0].FullyQualifiedErrorId
                $Error | Out-String -Width 1000
                $Error | ForEach-Object { $_.ErrorDetails.Message; $_.ErrorDetails.RecommendedAction; $_.TargetObject; $_.Exception.Message } | Out-String -Width 1000")
                .AddArgument(nova.AuthUrl).AddArgument(password);

            var output = string.Join("\n", ps.Invoke().Select(o => o?.ToString()));
            var streams = new StringBuilder(output);
            foreach (var r in ps.Streams.Verbose) streams.Append('\n').Append(r.Message);
            foreach (var r in ps.Streams.Debug) streams.Append('\n').Append(r.Message);
            foreach (var r in ps.Streams.Warning) streams.Append('\n').Append(r.Message);
            foreach (var r in ps.Streams.Error) streams.Append('\n').Append(r).Append('\n').Append(r.Exception?.Message);
            var all = streams.ToString();

            Assert.Contains("AuthenticationFailed", output);
            Assert.Contains(ps.Streams.Debug, d => d.Message.Contains("response body"));
            foreach (var form in new[] { password, Uri.EscapeDataString(password), System.Text.Json.JsonSerializer.Serialize(password).Trim('"') })
                Assert.DoesNotContain(form, all);
        }
    }
}
