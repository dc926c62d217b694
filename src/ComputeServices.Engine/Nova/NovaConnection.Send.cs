using System;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Nova
{
    /// <summary>One HTTP answer, already read (the body is small JSON, capped by MaximumResponseSizeMB).</summary>
    internal sealed class NovaResponse
    {
        private string? _body;

        public NovaResponse(int statusCode, byte[] body, string? requestId, string? subjectToken, TimeSpan? retryAfter, string? apiVersionHeader = null)
        {
            StatusCode = statusCode;
            BodyBytes = body;
            RequestId = requestId;
            SubjectToken = subjectToken;
            RetryAfter = retryAfter;
            ApiVersionHeader = apiVersionHeader;
        }

        public int StatusCode { get; }
        /// <summary>The body as sent (UTF-8): a listing is parsed from these bytes, never from a copy as text.</summary>
        public byte[] BodyBytes { get; }
        /// <summary>The body as text, decoded on first use (errors, the debug log).</summary>
        public string Body => _body ??= Encoding.UTF8.GetString(BodyBytes);
        public string? RequestId { get; }
        public string? SubjectToken { get; }
        public TimeSpan? RetryAfter { get; }
        /// <summary>The <c>OpenStack-API-Version</c> (or <c>X-OpenStack-Nova-API-Version</c>) response header, as sent.</summary>
        public string? ApiVersionHeader { get; }
        public bool IsSuccess => StatusCode >= 200 && StatusCode < 300;

        public JsonDocument Json()
        {
            try
            {
                return IsBlank(BodyBytes) ? JsonDocument.Parse("{}") : JsonDocument.Parse(BodyBytes);
            }
            catch (JsonException ex)
            {
                throw new ComputeServiceException(ErrorIds.NovaRequestFailed, FailureKind.InvalidData,
                    $"The compute API answered with a body that is not JSON (HTTP {StatusCode}, request {RequestId ?? "?"}): {ex.Message}", ex)
                { StatusCode = StatusCode, RequestId = RequestId };
            }
        }

        private static bool IsBlank(byte[] body)
        {
            foreach (var b in body)
                if (b != (byte)' ' && b != (byte)'\t' && b != (byte)'\r' && b != (byte)'\n') return false;
            return true;
        }
    }

    /// <summary>When a failed request may be sent again.</summary>
    internal enum RetryPolicy
    {
        /// <summary>Idempotent (GET, PUT): on connection failures, timeouts, 429, 502, 503, 504.</summary>
        Always,
        /// <summary>Only when it provably never left this machine, or on 429/502/503/504 answers (the Keystone token POST).</summary>
        UnlessSent,
        /// <summary>Never (DELETE): an answer lost after sending becomes <see cref="RequestOutcomeUnknownException"/>.</summary>
        Never,
    }

    public sealed partial class NovaConnection
    {
        private const int MaxLoggedBody = 4000;
        private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(60);

        /// <summary>
        /// Sends one compute request at the negotiated (or the given) microversion. A 401 triggers exactly one
        /// re-authentication and retry; failures become ComputeServiceExceptions unless <paramref name="throwOnError"/> is false.
        /// <paramref name="log"/> is the caller's (-Verbose/-Debug of the command that sends it).
        /// </summary>
        internal async Task<NovaResponse> SendAsync(HttpMethod method, string relativePath, object? body, CancellationToken cancellationToken,
            Microversion? microversion = null, ComputeService? service = null, bool throwOnError = true, IOperationLog? log = null)
        {
            ThrowIfDisposed();
            var scrubbed = LogFor(log);
            try
            {
                return await SendCoreAsync(method, relativePath, body, microversion, service, throwOnError, scrubbed, cancellationToken).ConfigureAwait(false);
            }
            catch (ComputeServiceException ex)
            {
                throw Scrubbed(ex);
            }
        }

        private async Task<NovaResponse> SendCoreAsync(HttpMethod method, string relativePath, object? body, Microversion? microversion,
            ComputeService? service, bool throwOnError, IOperationLog log, CancellationToken cancellationToken)
        {
            var auth = await EnsureAuthenticatedAsync(false, log, cancellationToken).ConfigureAwait(false);
            await EnsureVersionAsync(log, cancellationToken).ConfigureAwait(false);
            var version = microversion ?? _apiVersion;
            var json = body == null ? null : body as string ?? JsonSerializer.Serialize(body);
            var policy = method == HttpMethod.Get || method == HttpMethod.Put ? RetryPolicy.Always : RetryPolicy.Never;

            for (var reauthenticated = false; ; reauthenticated = true)
            {
                var url = Combine(auth.Endpoint, relativePath);
                var token = auth.Token;
                var response = await SendWithRetriesAsync(() =>
                {
                    var request = WithToken(new HttpRequestMessage(method, url), token);
                    request.Headers.TryAddWithoutValidation("OpenStack-API-Version", "compute " + version);
                    request.Headers.TryAddWithoutValidation("X-OpenStack-Nova-API-Version", version.ToString());
                    if (json != null) request.Content = JsonContent(json);
                    // SocketsHttpHandler silently re-sends a request without a body on a new connection when the server
                    // closes the connection before answering (up to 3 times). A request with content is never re-sent,
                    // so an empty body keeps a DELETE to the one send that we account for.
                    else if (policy == RetryPolicy.Never) request.Content = new ByteArrayContent(Array.Empty<byte>());
                    return request;
                }, policy, version.ToString(), json, carriesSecret: true, log, cancellationToken).ConfigureAwait(false);

                if (response.StatusCode == 401 && !reauthenticated && CanReauthenticate)
                {
                    log.Verbose("The compute API rejected the token (HTTP 401); authenticating again.");
                    auth = await EnsureAuthenticatedAsync(true, log, cancellationToken, rejectedToken: token).ConfigureAwait(false);
                    continue;
                }
                if (response.IsSuccess)
                {
                    CheckAnsweredVersion(response, version, method.Method, url);
                    if (NovaAnswerShape.Expected(method, relativePath) is { } shape && !NovaAnswerShape.Carries(response.BodyBytes, shape.Member, shape.Kind))
                        throw NovaAnswerShape.Missing(method.Method, url, shape.Member, response);
                }
                if (!response.IsSuccess && throwOnError)
                {
                    if (response.StatusCode == 404 && !IsNovaFaultAbout(service, response))
                        throw NotANovaAnswer(method.Method, url, response);
                    throw NovaErrorMapper.Map(response.StatusCode, Scrub(response.Body), response.RequestId, method.Method, url, service);
                }
                return response;
            }
        }

        /// <summary>Only Nova's own fault about the named service means "not found"; a 404 on a collection or from a proxy does not.</summary>
        private static bool IsNovaFaultAbout(ComputeService? service, NovaResponse response)
        {
            if (service == null) return false;
            var (fault, message) = NovaErrorMapper.ReadFault(response.Body);
            return fault != null && message != null;
        }

        private static ComputeServiceException NotANovaAnswer(string method, Uri url, NovaResponse response)
            => new ComputeServiceException(ErrorIds.EndpointUnreachable, FailureKind.ConnectionError,
                $"{method} {Redactor.Where(url)} answered HTTP 404" + (response.RequestId == null ? "" : $" (request {response.RequestId})") +
                " without a Nova fault about a service: the compute endpoint is wrong, or a proxy or another service answered.")
            {
                StatusCode = 404,
                RequestId = response.RequestId,
                Target = Redactor.Where(url),
                RecommendedAction = "Check the compute endpoint (it ends in /v2.1) and the catalog's compute entry; nothing was found to be missing.",
            };

        internal static Uri Combine(Uri endpoint, string relativePath) => NovaPath.Combine(endpoint, relativePath);

        private static StringContent JsonContent(string json) => new StringContent(json, Encoding.UTF8, "application/json");

        /// <summary>
        /// Sends with the per-request timeout, and retries as <paramref name="policy"/> allows on connection failures,
        /// 429, 502, 503 and 504 (honouring Retry-After) up to MaximumRetryCount times.
        /// </summary>
        private async Task<NovaResponse> SendWithRetriesAsync(Func<HttpRequestMessage> createRequest, RetryPolicy policy, string? versionLabel,
            string? requestBody, bool carriesSecret, IOperationLog log, CancellationToken cancellationToken)
        {
            var maxRetries = policy == RetryPolicy.Never ? 0 : Math.Max(0, _settings.MaximumRetryCount);
            // Under a command deadline (Wait -TimeoutSec) transient failures are retried until it, not a fixed number of times.
            var untilDeadline = policy != RetryPolicy.Never && Maintenance.CommandDeadline.Current.HasValue;
            if (untilDeadline) maxRetries = int.MaxValue;
            for (var attempt = 0; ; attempt++)
            {
                using var request = createRequest();
                request.Headers.Accept.ParseAdd("application/json");
                WarnAboutTransport(request.RequestUri!, carriesSecret, log);
                var label = $"{request.Method.Method} {Redactor.Url(request.RequestUri)}" + (versionLabel == null ? "" : $" [compute {versionLabel}]");
                // Mask before re-serialising: the re-encoded JSON would no longer match the escaped forms of a secret.
                if (requestBody != null && log.IsDebugEnabled) log.Debug($"{label} request body: {Truncate(Redactor.Json(Scrub(requestBody), Scrub))}");
                NovaResponse response;
                var watch = Stopwatch.StartNew();
                try
                {
                    response = await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException ex)
                {
                    var tls = FindInner<AuthenticationException>(ex) != null;
                    var sent = !tls && NovaSendFailure.MayHaveBeenSent(ex);
                    log.Verbose($"{label} -> failed after {watch.ElapsedMilliseconds} ms: {Scrub(Flatten(ex))}");
                    if (sent && policy == RetryPolicy.Never) throw AnswerLost(request, ex);
                    if (!tls && attempt < maxRetries && (policy == RetryPolicy.Always || !sent)
                        && await WaitBeforeRetryAsync(attempt, null, label, log, cancellationToken).ConfigureAwait(false))
                        continue;
                    throw Unreachable(request.RequestUri!, ex, tls, sent && policy != RetryPolicy.Always);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    log.Verbose($"{label} -> timed out after {watch.ElapsedMilliseconds} ms");
                    if (policy == RetryPolicy.Never) throw AnswerLost(request, ex);
                    throw new ComputeServiceException(ErrorIds.EndpointUnreachable, FailureKind.Timeout,
                        $"{request.Method.Method} {Redactor.Where(request.RequestUri!)} did not answer within {_settings.TimeoutSec} s.", ex)
                    {
                        Target = Redactor.Where(request.RequestUri!),
                        RecommendedAction = "Check that the endpoint is reachable and healthy, or raise -TimeoutSec.",
                    };
                }
                log.Verbose($"{label} -> {response.StatusCode}" + (response.RequestId == null ? "" : $" ({response.RequestId})") + $" in {watch.ElapsedMilliseconds} ms");
                if (response.BodyBytes.Length > 0 && log.IsDebugEnabled) log.Debug($"{label} response body: {Truncate(Redactor.Json(Scrub(response.Body), Scrub))}");

                var status = response.StatusCode;
                if (attempt < maxRetries && (status == 429 || status == 502 || status == 503 || status == 504)
                    && await WaitBeforeRetryAsync(attempt, response.RetryAfter, label, log, cancellationToken).ConfigureAwait(false))
                    continue;
                return response;
            }
        }

        /// <summary>Waits before a retry; false (no wait, no retry) when the wait would end past the command's deadline.</summary>
        private async Task<bool> WaitBeforeRetryAsync(int attempt, TimeSpan? retryAfter, string label, IOperationLog log, CancellationToken cancellationToken)
        {
            var left = Maintenance.CommandDeadline.Left;
            var backoff = TimeSpan.FromSeconds(Math.Max(0, _settings.RetryIntervalSec) * Math.Pow(2, Math.Min(attempt, 16)));
            var delay = retryAfter ?? backoff;
            if (delay > MaxRetryDelay) delay = MaxRetryDelay;
            if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
            var seconds = delay.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            var why = retryAfter.HasValue
                ? $" (the server asked for Retry-After {retryAfter.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s)"
                : "";
            if (left.HasValue && delay >= left.Value)
            {
                log.Verbose($"{label}: not retrying, the wait of {seconds} s{why} would end past the command's deadline.");
                return false;
            }
            var of = left.HasValue ? "until the command's deadline" : $"of {_settings.MaximumRetryCount}";
            // Written before the wait, so a cmdlet that drains its log while the call runs shows it during the wait.
            log.Verbose($"{label}: waiting {seconds} s before retry {attempt + 1} {of}{why}");
            await Delay(delay, cancellationToken).ConfigureAwait(false);
            return true;
        }

        private static string Truncate(string text)
            => text.Length <= MaxLoggedBody ? text : text.Substring(0, MaxLoggedBody) + $"... ({text.Length} characters)";
    }
}
