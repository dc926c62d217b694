using System;
using System.IO;
using System.Net;
using System.Net.Sockets;

namespace ComputeServices.Nova
{
    /// <summary>
    /// Whether a failed send may have reached the server, from the exception chain alone (a pure function: the chains
    /// differ by runtime and are tested as each runtime builds them). A request that provably never left this machine is
    /// retried and reported EndpointUnreachable; one that may have arrived is never repeated unless it is idempotent,
    /// and a lost DELETE becomes OutcomeUnknown.
    /// </summary>
    internal static class NovaSendFailure
    {
        /// <summary>
        /// False only when the request provably never left this machine (name resolution, connect, TLS handshake, proxy).
        /// Anything else may have reached the server.
        /// </summary>
        public static bool MayHaveBeenSent(Exception ex)
        {
            // .NET Framework (and Mono): HttpRequestException("An error occurred while sending the request.", WebException(status, ...)).
            for (var e = ex; e != null; e = e.InnerException)
                if (e is WebException web) return !NeverSent(web.Status);

            // .NET Core / .NET: SocketsHttpHandler.
            if (ex.InnerException is IOException) return true;
            var error = ex.GetType().GetProperty("HttpRequestError")?.GetValue(ex)?.ToString();
            if (error != null && error != "Unknown")
                return !(error == "NameResolutionError" || error == "ConnectionError" || error == "SecureConnectionError" || error == "ProxyTunnelError");
            return !(ex.InnerException is SocketException);
        }

        /// <summary>The WebException statuses raised before any byte of the request was written.</summary>
        internal static bool NeverSent(WebExceptionStatus status)
        {
            switch (status)
            {
                case WebExceptionStatus.NameResolutionFailure:
                case WebExceptionStatus.ProxyNameResolutionFailure:
                case WebExceptionStatus.ConnectFailure:
                case WebExceptionStatus.TrustFailure:
                case WebExceptionStatus.SecureChannelFailure:
                case WebExceptionStatus.RequestProhibitedByProxy:
                case WebExceptionStatus.RequestProhibitedByCachePolicy:
                case WebExceptionStatus.CacheEntryNotFound:
                    return true;
                default:
                    // ReceiveFailure, ConnectionClosed, SendFailure, KeepAliveFailure, PipelineFailure, Timeout, UnknownError...:
                    // the connection was up, so the request (or part of it) may have gone out.
                    return false;
            }
        }
    }
}
