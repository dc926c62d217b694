using System;
using System.Collections;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using ComputeServices.Tests.Nova;
using Xunit;

namespace ComputeServices.Tests.Faults
{
    [CollectionDefinition(nameof(ProxySecretTests), DisableParallelization = true)]
    public class ProxySecretCollection
    {
    }

    /// <summary>
    /// Issue 18: a proxy password (-Proxy, or HTTPS_PROXY=http://user:pw@host) never appears in the error, its
    /// ToString() (what Get-Error shows: inner exceptions, data) or the log, with a real proxy on loopback that
    /// refuses the tunnel, and with none listening at all.
    /// </summary>
    [Collection(nameof(ProxySecretTests))]
    public class ProxySecretTests
    {
        private const string ProxyPassword = "Proxy-Pa55-4321";

        private static LoopbackServer RefusingProxy()
            => new LoopbackServer((request, exchange) => exchange.RespondAsync(502, "no tunnel", "text/plain"));

        private static int ClosedPort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        private static NovaConnectionSettings Settings(Uri? proxy) => new NovaConnectionSettings
        {
            AuthUrl = "https://keystone.example.com:5000/v3", Username = "admin", Password = "s3cret-Pa55", ProjectName = "admin",
            MaximumRetryCount = 0, TimeoutSec = 20, Proxy = proxy,
        };

        /// <summary>Everything Get-Error would print: the message, ToString() with every inner exception, and their data.</summary>
        private static IEnumerable<string> Everything(Exception ex, CollectingLog log)
        {
            yield return log.All;
            yield return ex.ToString();
            for (var e = ex; e != null; e = e.InnerException)
            {
                yield return e.Message;
                yield return e.ToString();
                foreach (DictionaryEntry entry in e.Data) yield return entry.Key + "=" + entry.Value;
            }
            if (ex is ComputeServiceException own)
            {
                yield return own.Target?.ToString() ?? "";
                yield return own.RecommendedAction ?? "";
            }
        }

        private static async Task<ComputeServiceException> ConnectFails(NovaConnectionSettings settings, CollectingLog log)
        {
            using var connection = NovaConnection.Create(settings, log);
            connection.Delay = (_, _) => Task.CompletedTask;
            return await Assert.ThrowsAsync<ComputeServiceException>(() => connection.ConnectAsync(CancellationToken.None, log));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task A_Proxy_password_is_masked_in_the_error_its_inner_exceptions_and_the_log(bool listening)
        {
            using var proxy = RefusingProxy();
            var port = listening ? proxy.Port : ClosedPort();
            var log = new CollectingLog();

            var ex = await ConnectFails(Settings(new Uri($"http://puser:{ProxyPassword}@127.0.0.1:{port}")), log);

            Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);
            Assert.NotNull(ex.InnerException);
            Assert.All(Everything(ex, log), text => Assert.DoesNotContain(ProxyPassword, text));
            if (listening) Assert.Contains(proxy.Requests, r => r.Method == "CONNECT");
        }

#if NETCOREAPP
        // HttpClient.DefaultProxy and its HTTPS_PROXY reader are .NET's own (not in the net472 build run under Mono).
        [Fact]
        public async Task An_HTTPS_PROXY_password_is_masked_in_the_error_its_inner_exceptions_and_the_log()
        {
            using var proxy = RefusingProxy();
            var previousVariable = Environment.GetEnvironmentVariable("HTTPS_PROXY");
            var previousProxy = HttpClient.DefaultProxy;
            try
            {
                // The system proxy as HttpClient reads it from HTTPS_PROXY (its own environment reader, not a copy of it).
                Environment.SetEnvironmentVariable("HTTPS_PROXY", $"http://puser:{ProxyPassword}@127.0.0.1:{proxy.Port}");
                var reader = typeof(HttpClient).Assembly.GetType("System.Net.Http.HttpEnvironmentProxy", throwOnError: true)!
                    .GetMethod("TryCreate", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;
                var arguments = new object?[] { null };
                Assert.True((bool)reader.Invoke(null, arguments)!);
                HttpClient.DefaultProxy = (IWebProxy)arguments[0]!;
                var log = new CollectingLog();

                var ex = await ConnectFails(Settings(null), log);

                Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);
                Assert.Contains(proxy.Requests, r => r.Method == "CONNECT");
                Assert.All(Everything(ex, log), text => Assert.DoesNotContain(ProxyPassword, text));
            }
            finally
            {
                HttpClient.DefaultProxy = previousProxy;
                Environment.SetEnvironmentVariable("HTTPS_PROXY", previousVariable);
            }
        }
#endif
    }
}
