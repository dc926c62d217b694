using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using Xunit;

namespace ComputeServices.Tests.Nova
{
    /// <summary>
    /// Issue 15: on .NET Framework HttpClientHandler turns every failure into
    /// HttpRequestException("An error occurred while sending the request.", WebException(status, inner)).
    /// The chains below are built as it builds them (messages as .NET Framework 4.8 writes them in English).
    /// </summary>
    public class FrameworkFailureTests
    {
        private const string SendError = "An error occurred while sending the request.";

        private static HttpRequestException Framework(WebExceptionStatus status, string message, Exception? inner = null)
            => new HttpRequestException(SendError, new WebException(message, inner, status, null));

        public static TheoryData<string, HttpRequestException, bool> Chains => new TheoryData<string, HttpRequestException, bool>
        {
            { "connect refused", Framework(WebExceptionStatus.ConnectFailure, "Unable to connect to the remote server",
                new SocketException((int)SocketError.ConnectionRefused)), false },
            { "connect timed out", Framework(WebExceptionStatus.ConnectFailure, "Unable to connect to the remote server",
                new SocketException((int)SocketError.TimedOut)), false },
            { "name resolution", Framework(WebExceptionStatus.NameResolutionFailure, "The remote name could not be resolved: 'nova.example.com'"), false },
            { "proxy name resolution", Framework(WebExceptionStatus.ProxyNameResolutionFailure, "The proxy name could not be resolved: 'proxy.example.com'"), false },
            { "certificate", Framework(WebExceptionStatus.TrustFailure, "The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.",
                new AuthenticationException("The remote certificate is invalid according to the validation procedure.")), false },
            { "TLS handshake", Framework(WebExceptionStatus.SecureChannelFailure, "The request was aborted: Could not create SSL/TLS secure channel."), false },
            { "reset while receiving", Framework(WebExceptionStatus.ReceiveFailure, "The underlying connection was closed: An unexpected error occurred on a receive.",
                new IOException("Unable to read data from the transport connection: An existing connection was forcibly closed by the remote host.",
                    new SocketException((int)SocketError.ConnectionReset))), true },
            { "closed before the answer", Framework(WebExceptionStatus.ConnectionClosed, "The underlying connection was closed: The connection was closed unexpectedly."), true },
            { "reset while sending", Framework(WebExceptionStatus.SendFailure, "The underlying connection was closed: An unexpected error occurred on a send.",
                new IOException("Unable to write data to the transport connection: An existing connection was forcibly closed by the remote host.",
                    new SocketException((int)SocketError.ConnectionReset))), true },
            { "kept-alive connection closed", Framework(WebExceptionStatus.KeepAliveFailure,
                "The underlying connection was closed: A connection that was expected to be kept alive was closed by the server."), true },
            { "timeout", Framework(WebExceptionStatus.Timeout, "The operation has timed out"), true },
            { "unknown", Framework(WebExceptionStatus.UnknownError, "An unexpected error occurred."), true },
        };

        [Theory]
        [MemberData(nameof(Chains))]
        public void The_classifier_reads_the_chains_of_NET_Framework(string what, HttpRequestException chain, bool mayHaveBeenSent)
        {
            Assert.True(NovaSendFailure.MayHaveBeenSent(chain) == mayHaveBeenSent, what);
        }

        [Fact]
        public void The_chains_of_NET_Core_are_still_read()
        {
            Assert.False(NovaSendFailure.MayHaveBeenSent(new HttpRequestException("Connection refused (127.0.0.1:9)",
                new SocketException((int)SocketError.ConnectionRefused))));
            Assert.True(NovaSendFailure.MayHaveBeenSent(new HttpRequestException("An error occurred while sending the request.",
                new IOException("Unable to read data from the transport connection: Connection reset by peer."))));
            Assert.True(NovaSendFailure.MayHaveBeenSent(new HttpRequestException("The response ended prematurely.")));
        }

        /// <summary>Throws what .NET Framework's handler throws for <c>failing</c> requests (counting them); answers the version document.</summary>
        private sealed class FrameworkHandler : HttpMessageHandler
        {
            private readonly Func<HttpRequestException> _failure;
            private readonly HttpMethod _failing;
            public FrameworkHandler(Func<HttpRequestException> failure, HttpMethod failing)
            {
                _failure = failure;
                _failing = failing;
            }

            public int Attempts;

            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (request.Method != _failing)
                    return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
                    {
                        Content = new StringContent("{\"version\": {\"id\": \"v2.1\", \"status\": \"CURRENT\", \"version\": \"2.93\", \"min_version\": \"2.1\"}}"),
                    });
                Interlocked.Increment(ref Attempts);
                throw _failure();
            }
        }

        private static readonly Func<HttpRequestException> Refused = () => Framework(WebExceptionStatus.ConnectFailure,
            "Unable to connect to the remote server", new SocketException((int)SocketError.ConnectionRefused));

        private static async Task<ComputeServiceException> DeleteThrough(HttpMessageHandler handler)
        {
            var settings = new NovaConnectionSettings
            {
                Endpoint = new Uri("http://nova.example.com:8774/v2.1"), Token = "static-admin-token", AuthType = "admin_token",
                ComputeApiVersion = "2.53", RetryIntervalSec = 0,
            };
            using var connection = NovaConnection.Create(settings, null, handler);
            connection.Delay = (_, _) => Task.CompletedTask;
            return await Assert.ThrowsAnyAsync<ComputeServiceException>(() =>
                connection.SendAsync(HttpMethod.Delete, "os-services/3f1ee6a4-1d2c-4f4c-9b67-2a4c57a0c101", null, CancellationToken.None));
        }

        [Fact]
        public async Task A_DELETE_to_an_unreachable_Nova_is_EndpointUnreachable_not_OutcomeUnknown()
        {
            var handler = new FrameworkHandler(Refused, HttpMethod.Delete);
            var ex = await DeleteThrough(handler);

            Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);
            Assert.StartsWith("Cannot reach", ex.Message);
            Assert.Equal(1, handler.Attempts);
        }

        [Fact]
        public async Task A_refused_Keystone_login_is_retried_and_not_said_to_be_lost()
        {
            var handler = new FrameworkHandler(Refused, HttpMethod.Post);
            var settings = new NovaConnectionSettings
            {
                AuthUrl = "http://keystone.example.com:5000/v3", Username = "admin", Password = "s3cret-Pa55", ProjectName = "admin",
                MaximumRetryCount = 2, RetryIntervalSec = 0,
            };
            using var connection = NovaConnection.Create(settings, null, handler);
            connection.Delay = (_, _) => Task.CompletedTask;

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => connection.ConnectAsync(CancellationToken.None));

            Assert.Equal(3, handler.Attempts);
            Assert.Equal(ErrorIds.EndpointUnreachable, ex.ErrorId);
            Assert.DoesNotContain("lost", ex.Message);
        }

        [Fact]
        public async Task A_DELETE_whose_connection_was_reset_after_sending_is_OutcomeUnknown()
        {
            var handler = new FrameworkHandler(() => Framework(WebExceptionStatus.ReceiveFailure,
                "The underlying connection was closed: An unexpected error occurred on a receive.",
                new IOException("Unable to read data from the transport connection: An existing connection was forcibly closed by the remote host.",
                    new SocketException((int)SocketError.ConnectionReset))), HttpMethod.Delete);
            var ex = await DeleteThrough(handler);

            Assert.Equal(ErrorIds.OutcomeUnknown, ex.ErrorId);
            Assert.Equal(1, handler.Attempts);
        }
    }
}
