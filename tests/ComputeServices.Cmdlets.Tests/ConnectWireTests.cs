using System;
using System.Linq;
using System.Net;
using System.Text;
using ComputeServices.Tests.Faults;
using Xunit;

namespace ComputeServices.Cmdlets.Tests
{
    /// <summary>Issues 16 and 18 at the surface of Connect-ComputeService: endpoints it cannot use, and proxy passwords in Get-Error.</summary>
    public class ConnectWireTests
    {
        [Theory]
        [InlineData("/v2.1")]
        [InlineData("http://127.0.0.1:9/v2.1?")]
        [InlineData("http://127.0.0.1:9/v2.1#")]
        [InlineData("ftp://127.0.0.1/v2.1")]
        public void An_endpoint_it_cannot_use_is_a_terminating_InvalidEndpoint(string endpoint)
        {
            using var ps = CmdletHost.Create();
            ps.AddScript(@"param($endpoint)
                try { Connect-ComputeService -Endpoint $endpoint -Token (ConvertTo-SecureString 'tok-1234' -AsPlainText -Force) -ErrorAction Stop; 'connected' }
                catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category.ToString(); $_.Exception.GetType().FullName }")
                .AddArgument(endpoint);

            var output = ps.Invoke().Select(o => o?.ToString()).ToList();

            Assert.Equal(3, output.Count);
            Assert.StartsWith("InvalidEndpoint,", output[0]);
            Assert.Equal("InvalidArgument", output[1]);
            Assert.Equal(typeof(ComputeServiceException).FullName, output[2]);
        }

        [Fact]
        public void A_proxy_password_is_not_in_Get_Error()
        {
            const string password = "Proxy-Pa55-8765";
            using var proxy = new LoopbackServer((request, exchange) => exchange.RespondAsync(502, "no tunnel", "text/plain"));
            using var ps = CmdletHost.Create();
            ps.AddScript(@"param($proxy)
                $cred = [pscredential]::new('admin', (ConvertTo-SecureString 's3cret-Pa55' -AsPlainText -Force))
                Connect-ComputeService -AuthUrl https://keystone.example.com:5000/v3 -Credential $cred -ProjectName admin -Proxy $proxy -MaximumRetryCount 0 -Verbose -ErrorAction SilentlyContinue
                $Error[0].FullyQualifiedErrorId
                $Error[0].Exception.ToString()
                Get-Error -Newest 1 | Out-String -Width 1000
                $Error | Out-String -Width 1000")
                .AddArgument($"http://puser:{password}@127.0.0.1:{proxy.Port}");

            var output = string.Join("\n", ps.Invoke().Select(o => o?.ToString()));
            var all = new StringBuilder(output);
            foreach (var r in ps.Streams.Verbose) all.Append('\n').Append(r.Message);
            foreach (var r in ps.Streams.Error) all.Append('\n').Append(r).Append('\n').Append(r.Exception);

            Assert.StartsWith("EndpointUnreachable,", output);
            Assert.Contains(proxy.Requests, r => r.Method == "CONNECT");
            Assert.Contains("HttpRequestException", output); // the inner exception is shown, masked
            Assert.DoesNotContain(password, all.ToString());
            Assert.DoesNotContain(WebUtility.UrlEncode(password), all.ToString());
        }
    }
}
