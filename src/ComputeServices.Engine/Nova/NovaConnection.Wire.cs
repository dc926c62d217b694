using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Nova
{
    public sealed partial class NovaConnection
    {
        private const int ReadBlock = 81920;
        // -MaximumResponseSizeMB allows up to 4 GB, more than one array holds; an announcement above this is read in blocks.
        private const long MaxFirstBlock = 1L << 30;
        // The largest byte array .NET allocates: a body is handed on as one, so a larger one is too large whatever the setting.
        private const long MaxArrayLength = 0x7FFFFFC7;

        /// <summary>
        /// Sends and reads the answer, never holding more than MaximumResponseSizeMB of body: a larger Content-Length is
        /// refused before reading, and a body without one is read in blocks until it passes the cap.
        /// </summary>
        private async Task<NovaResponse> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (_settings.TimeoutSec > 0) timeout.CancelAfter(TimeSpan.FromSeconds(_settings.TimeoutSec));
            try
            {
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                var body = response.Content == null ? Array.Empty<byte>() : await ReadCappedAsync(request, response, timeout.Token).ConfigureAwait(false);
                return new NovaResponse((int)response.StatusCode, body, RequestIdOf(response), Header(response, "X-Subject-Token"), RetryAfterOf(response),
                    Header(response, "OpenStack-API-Version") ?? Header(response, "X-OpenStack-Nova-API-Version"));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The request was cancelled.", cancellationToken);
            }
        }

        private async Task<byte[]> ReadCappedAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
        {
            // The cap counts the body as read, after any Content-Encoding was undone: a gzip bomb stops at the cap as it inflates.
            long cap = Math.Min((long)_settings.MaximumResponseSizeMB * 1024 * 1024, MaxArrayLength);
            var announced = response.Content.Headers.ContentLength;
            if (announced > cap) throw TooLarge(request, announced.Value, cap);
            try
            {
                using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                // Blocks, not a doubling buffer: past the cap nothing more than the cap itself has been held.
                // A body of announced length is read into one array of that size (usually the only one).
                var blocks = new List<byte[]>();
                long total = 0;
                var size = announced > 0 && announced <= MaxFirstBlock ? (int)announced.Value : ReadBlock;
                while (true)
                {
                    var block = new byte[size];
                    var filled = 0;
                    int n;
                    while (filled < block.Length && (n = await stream.ReadAsync(block, filled, block.Length - filled, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        filled += n;
                        if (total + filled > cap) throw TooLarge(request, null, cap);
                    }
                    if (filled == 0) break;
                    total += filled;
                    var full = filled == block.Length;
                    if (!full) Array.Resize(ref block, filled);
                    blocks.Add(block);
                    if (!full) break;
                    size = ReadBlock;
                }
                if (blocks.Count == 1) return blocks[0];
                if (blocks.Count == 0) return Array.Empty<byte>();
                var all = new byte[total];
                var at = 0;
                foreach (var block in blocks)
                {
                    Buffer.BlockCopy(block, 0, all, at, block.Length);
                    at += block.Length;
                }
                return all;
            }
            catch (IOException ex)
            {
                throw new HttpRequestException("The response body was cut off: " + ex.Message, ex);
            }
            catch (InvalidDataException ex)
            {
                // A Content-Encoding (gzip, deflate) body that does not decompress: it arrived, and it is not an answer.
                var where = Redactor.Where(request.RequestUri!);
                throw new ComputeServiceException(ErrorIds.InvalidResponse, FailureKind.InvalidData,
                    $"{request.Method.Method} {where} answered HTTP {(int)response.StatusCode} with a {string.Join(", ", response.Content.Headers.ContentEncoding)} " +
                    $"body that does not decompress: {ex.Message}", ex)
                {
                    StatusCode = (int)response.StatusCode,
                    Target = where,
                    RecommendedAction = "Check that the compute endpoint is Nova's /v2.1 and that no proxy between here and Nova rewrites its answers.",
                };
            }
        }

        private ComputeServiceException TooLarge(HttpRequestMessage request, long? announced, long cap)
        {
            var where = Redactor.Where(request.RequestUri!);
            var size = announced.HasValue ? $"{announced.Value / (1024.0 * 1024):0.#} MB" : "more than that";
            var limit = cap < (long)_settings.MaximumResponseSizeMB * 1024 * 1024
                ? $"{cap / (1024 * 1024)} MB, the most one body can hold (this connection allows {_settings.MaximumResponseSizeMB} MB)"
                : $"{_settings.MaximumResponseSizeMB} MB";
            return new ComputeServiceException(ErrorIds.ResponseTooLarge, FailureKind.InvalidData,
                $"{request.Method.Method} {where} answered with a body of {size}; the limit of this connection is {limit}.")
            {
                Target = where,
                RecommendedAction = "Check that the endpoint is Nova (not a proxy or download server); for a very large cloud connect with a higher -MaximumResponseSizeMB.",
            };
        }

        private ComputeServiceException AnswerLost(HttpRequestMessage request, Exception ex)
        {
            var where = Redactor.Where(request.RequestUri!);
            return new RequestOutcomeUnknownException(
                $"{request.Method.Method} {where} was sent, but its answer was lost ({Scrub(Flatten(ex))}); it was not sent again.", ex)
            {
                Target = where,
                RecommendedAction = "Check whether the change was made (Get-ComputeService) before repeating it.",
            };
        }

        private ComputeServiceException Unreachable(Uri url, HttpRequestException ex, bool tls, bool answerLost)
        {
            var where = Redactor.Where(url);
            if (tls)
                return new ComputeServiceException(ErrorIds.EndpointUnreachable, FailureKind.ConnectionError,
                    $"The TLS certificate of {Redactor.Where(new Uri(url.GetLeftPart(UriPartial.Authority)))} could not be verified: {Scrub(Flatten(ex))}", ex)
                {
                    Target = where,
                    RecommendedAction = "Give the CA bundle that signed the server certificate (cacert in clouds.yaml, OS_CACERT, -CertificateAuthorityFile), " +
                        "or, only for a test cloud, skip verification with -SkipCertificateCheck (verify: false / OS_INSECURE).",
                };
            return new ComputeServiceException(ErrorIds.EndpointUnreachable, FailureKind.ConnectionError,
                answerLost
                    ? $"{where} took the request but its answer was lost, and it was not sent again: {Scrub(Flatten(ex))}"
                    : $"Cannot reach {where}: {Scrub(Flatten(ex))}", ex)
            {
                Target = where,
                RecommendedAction = "Check the URL, DNS, proxy and firewall, and that the service is running.",
            };
        }

        private TimeSpan? RetryAfterOf(HttpResponseMessage response)
        {
            var header = response.Headers.RetryAfter;
            if (header == null) return null;
            if (header.Delta.HasValue) return header.Delta.Value;
            if (header.Date.HasValue)
            {
                var wait = header.Date.Value.UtcDateTime - UtcNow();
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }
            return null;
        }

        private static string? RequestIdOf(HttpResponseMessage response)
            => Header(response, "x-openstack-request-id") ?? Header(response, "x-compute-request-id");

        private static string? Header(HttpResponseMessage response, string name)
            => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

        private static string Flatten(Exception ex)
        {
            var messages = new List<string>();
            for (var e = ex; e != null; e = e.InnerException)
                if (!messages.Contains(e.Message)) messages.Add(e.Message);
            return string.Join(" ", messages);
        }

        private static T? FindInner<T>(Exception ex) where T : Exception
        {
            for (var e = ex.InnerException; e != null; e = e.InnerException)
                if (e is T match) return match;
            return null;
        }
    }
}
