using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Nova
{
    /// <summary>One HTTP answer, already read (the body is small JSON).</summary>
    internal sealed class NovaResponse
    {
        public NovaResponse(int statusCode, string body, string? requestId, string? subjectToken, TimeSpan? retryAfter)
        {
            StatusCode = statusCode;
            Body = body;
            RequestId = requestId;
            SubjectToken = subjectToken;
            RetryAfter = retryAfter;
        }

        public int StatusCode { get; }
        public string Body { get; }
        public string? RequestId { get; }
        public string? SubjectToken { get; }
        public TimeSpan? RetryAfter { get; }
        public bool IsSuccess => StatusCode >= 200 && StatusCode < 300;

        public JsonDocument Json()
        {
            try
            {
                return JsonDocument.Parse(string.IsNullOrWhiteSpace(Body) ? "{}" : Body);
            }
            catch (JsonException ex)
            {
                throw new ComputeServiceException(ErrorIds.NovaRequestFailed, FailureKind.InvalidData,
                    $"The compute API answered with a body that is not JSON (HTTP {StatusCode}, request {RequestId ?? "?"}): {ex.Message}", ex)
                { StatusCode = StatusCode, RequestId = RequestId };
            }
        }
    }

    public sealed partial class NovaConnection
    {
        private const int MaxLoggedBody = 4000;
        private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(60);

        /// <summary>
        /// Sends one compute request at the negotiated (or the given) microversion. A 401 triggers exactly one
        /// re-authentication and retry; failures become ComputeServiceExceptions unless <paramref name="throwOnError"/> is false.
        /// </summary>
        internal async Task<NovaResponse> SendAsync(HttpMethod method, string relativePath, object? body, CancellationToken cancellationToken,
            Microversion? microversion = null, ComputeService? service = null, bool throwOnError = true)
        {
            ThrowIfDisposed();
            var auth = await EnsureAuthenticatedAsync(false, cancellationToken).ConfigureAwait(false);
            await EnsureVersionAsync(cancellationToken).ConfigureAwait(false);
            var version = microversion ?? _apiVersion;
            var json = body == null ? null : body as string ?? JsonSerializer.Serialize(body);
            var retryable = method == HttpMethod.Get || method == HttpMethod.Put;

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
                    return request;
                }, retryable, version.ToString(), json, cancellationToken).ConfigureAwait(false);

                if (response.StatusCode == 401 && !reauthenticated && CanReauthenticate)
                {
                    _log.Verbose("The compute API rejected the token (HTTP 401); authenticating again.");
                    auth = await EnsureAuthenticatedAsync(true, cancellationToken, rejectedToken: token).ConfigureAwait(false);
                    continue;
                }
                if (!response.IsSuccess && throwOnError)
                {
                    var ex = NovaErrorMapper.Map(response.StatusCode, Scrub(response.Body), response.RequestId, method.Method, url, service);
                    throw ex;
                }
                return response;
            }
        }

        internal static Uri Combine(Uri endpoint, string relativePath)
            => new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + relativePath.TrimStart('/'));

        private static StringContent JsonContent(string json) => new StringContent(json, Encoding.UTF8, "application/json");

        /// <summary>
        /// Sends with the per-request timeout, and retries idempotent requests on connection failures, 429, 502, 503
        /// and 504 (honouring Retry-After) up to MaximumRetryCount times.
        /// </summary>
        private async Task<NovaResponse> SendWithRetriesAsync(Func<HttpRequestMessage> createRequest, bool retryable, string? versionLabel,
            string? requestBody, CancellationToken cancellationToken)
        {
            var maxRetries = retryable ? Math.Max(0, _settings.MaximumRetryCount) : 0;
            for (var attempt = 0; ; attempt++)
            {
                using var request = createRequest();
                request.Headers.Accept.ParseAdd("application/json");
                var label = $"{request.Method.Method} {request.RequestUri}" + (versionLabel == null ? "" : $" [compute {versionLabel}]");
                if (requestBody != null) _log.Debug($"{label} request body: {Truncate(Scrub(Redactor.Json(requestBody)))}");
                NovaResponse response;
                var watch = Stopwatch.StartNew();
                try
                {
                    response = await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException ex)
                {
                    var tls = FindInner<AuthenticationException>(ex) != null;
                    _log.Verbose($"{label} -> failed after {watch.ElapsedMilliseconds} ms: {Scrub(Flatten(ex))}");
                    if (!tls && attempt < maxRetries)
                    {
                        await WaitBeforeRetryAsync(attempt, null, label, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    throw Unreachable(request.RequestUri!, ex, tls);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    _log.Verbose($"{label} -> timed out after {watch.ElapsedMilliseconds} ms");
                    throw new ComputeServiceException(ErrorIds.EndpointUnreachable, FailureKind.Timeout,
                        $"{request.Method.Method} {request.RequestUri!.GetLeftPart(UriPartial.Path)} did not answer within {_settings.TimeoutSec} s.", ex)
                    {
                        Target = request.RequestUri!.GetLeftPart(UriPartial.Path),
                        RecommendedAction = "Check that the endpoint is reachable and healthy, or raise -TimeoutSec.",
                    };
                }
                _log.Verbose($"{label} -> {response.StatusCode}" + (response.RequestId == null ? "" : $" ({response.RequestId})") + $" in {watch.ElapsedMilliseconds} ms");
                if (response.Body.Length > 0) _log.Debug($"{label} response body: {Truncate(Scrub(Redactor.Json(response.Body)))}");

                var status = response.StatusCode;
                if (attempt < maxRetries && (status == 429 || status == 502 || status == 503 || status == 504))
                {
                    await WaitBeforeRetryAsync(attempt, response.RetryAfter, label, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                return response;
            }
        }

        private async Task<NovaResponse> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (_settings.TimeoutSec > 0) timeout.CancelAfter(TimeSpan.FromSeconds(_settings.TimeoutSec));
            try
            {
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
                var body = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                return new NovaResponse((int)response.StatusCode, body, RequestIdOf(response), Header(response, "X-Subject-Token"), RetryAfterOf(response));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The request was cancelled.", cancellationToken);
            }
        }

        private async Task WaitBeforeRetryAsync(int attempt, TimeSpan? retryAfter, string label, CancellationToken cancellationToken)
        {
            var backoff = TimeSpan.FromSeconds(Math.Max(0, _settings.RetryIntervalSec) * Math.Pow(2, attempt));
            var delay = retryAfter ?? backoff;
            if (delay > MaxRetryDelay) delay = MaxRetryDelay;
            if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
            _log.Verbose($"{label}: retry {attempt + 1} of {_settings.MaximumRetryCount} in {delay.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
            await Delay(delay, cancellationToken).ConfigureAwait(false);
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

        private ComputeServiceException Unreachable(Uri url, HttpRequestException ex, bool tls)
        {
            var where = url.GetLeftPart(UriPartial.Path);
            if (tls)
                return new ComputeServiceException(ErrorIds.EndpointUnreachable, FailureKind.ConnectionError,
                    $"The TLS certificate of {url.GetLeftPart(UriPartial.Authority)} could not be verified: {Scrub(Flatten(ex))}", ex)
                {
                    Target = where,
                    RecommendedAction = "Give the CA bundle that signed the server certificate (cacert in clouds.yaml, OS_CACERT, -CertificateAuthorityFile), " +
                        "or, only for a test cloud, skip verification with -SkipCertificateCheck (verify: false / OS_INSECURE).",
                };
            return new ComputeServiceException(ErrorIds.EndpointUnreachable, FailureKind.ConnectionError,
                $"Cannot reach {where}: {Scrub(Flatten(ex))}", ex)
            {
                Target = where,
                RecommendedAction = "Check the URL, DNS, proxy and firewall, and that the service is running.",
            };
        }

        private static string Flatten(Exception ex)
        {
            var messages = new System.Collections.Generic.List<string>();
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

        private static string Truncate(string text)
            => text.Length <= MaxLoggedBody ? text : text.Substring(0, MaxLoggedBody) + $"... ({text.Length} characters)";
    }
}
