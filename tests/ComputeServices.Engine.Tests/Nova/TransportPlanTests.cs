using System.Net;
using System.Security.Authentication;
using ComputeServices.Nova;
using Xunit;

namespace ComputeServices.Tests.Nova
{
    /// <summary>
    /// Issue 15: on .NET Framework the module's own handler gets 64 connections per server (the default is 2, so
    /// -ThrottleLimit 16 ran 2 at a time) and TLS 1.2 (1.3 where Windows has it); nothing changes on .NET Core, and
    /// nothing process-wide changes anywhere.
    /// </summary>
    public class TransportPlanTests
    {
        private const string Framework48 = ".NET Framework 4.8.9290.0";
        private const string Server2019 = "Microsoft Windows 10.0.17763 ";
        private const string Server2022 = "Microsoft Windows 10.0.20348 ";

        [Theory]
        [InlineData(Framework48, Server2019, SslProtocols.Tls12)]
        [InlineData(".NET Framework 4.7.2558.0", "Microsoft Windows 6.3.9600 ", SslProtocols.Tls12)]
        [InlineData(Framework48, Server2022, SslProtocols.Tls12 | NovaTransport.Tls13)]
        [InlineData(Framework48, "Microsoft Windows 10.0.22631 ", SslProtocols.Tls12 | NovaTransport.Tls13)]
        public void On_NET_Framework_the_handler_gets_connections_and_TLS_1_2_or_later(string framework, string os, SslProtocols expected)
        {
            var plan = NovaTransport.PlanFor(framework, os);

            Assert.Equal(NovaTransport.MaxConnectionsPerServer, plan.MaxConnectionsPerServer);
            Assert.Equal(expected, plan.SslProtocols);
        }

        [Theory]
        [InlineData(".NET 8.0.11", "Linux 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)")]
        [InlineData(".NET 10.0.0", Server2022)]
        [InlineData(".NET Core 3.1.32", Server2019)]
        public void On_NET_Core_nothing_is_changed(string framework, string os)
        {
            var plan = NovaTransport.PlanFor(framework, os);

            Assert.Null(plan.MaxConnectionsPerServer);
            Assert.Null(plan.SslProtocols);
        }

        [Fact]
        public void The_handler_built_for_NET_Framework_carries_the_plan_and_nothing_process_wide_changes()
        {
#pragma warning disable SYSLIB0014 // ServicePointManager: read only, to prove it is left alone
            var limit = ServicePointManager.DefaultConnectionLimit;
            var protocols = ServicePointManager.SecurityProtocol;

            using var handler = NovaTransport.CreateHandler(new NovaConnectionSettings(), Framework48, Server2022);

            Assert.True(handler.MaxConnectionsPerServer >= 16, $"MaxConnectionsPerServer {handler.MaxConnectionsPerServer}");
            Assert.Equal(SslProtocols.Tls12 | NovaTransport.Tls13, handler.SslProtocols);
            Assert.Equal(limit, ServicePointManager.DefaultConnectionLimit);
            Assert.Equal(protocols, ServicePointManager.SecurityProtocol);
#pragma warning restore SYSLIB0014
        }

        [Fact]
        public void The_handler_built_for_this_runtime_keeps_the_system_TLS_default()
        {
            using var handler = NovaTransport.CreateHandler(new NovaConnectionSettings());

            Assert.Equal(SslProtocols.None, handler.SslProtocols);
            Assert.True(handler.MaxConnectionsPerServer >= NovaTransport.MaxConnectionsPerServer);
        }
    }
}
