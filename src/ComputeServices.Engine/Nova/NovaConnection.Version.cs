using System;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Nova
{
    public sealed partial class NovaConnection
    {
        /// <summary>
        /// Reads the version document and negotiates. Only a document that was read (or one the cloud deliberately
        /// protects, 401/403) is remembered: a failed discovery throws and is tried again by the next command, so one
        /// 503 burst cannot pin the session at 2.1.
        /// </summary>
        private async Task EnsureVersionAsync(IOperationLog log, CancellationToken cancellationToken)
        {
            if (_versionKnown) return;
            var auth = _auth ?? await EnsureAuthenticatedAsync(false, log, cancellationToken).ConfigureAwait(false);
            var root = MicroversionNegotiator.VersionRoot(auth.Endpoint);
            Microversion min = MicroversionNegotiator.Baseline, max = MicroversionNegotiator.Baseline;
            var response = await SendWithRetriesAsync(() => new HttpRequestMessage(HttpMethod.Get, root), RetryPolicy.Always, null, null, false, log, cancellationToken)
                .ConfigureAwait(false);
            if (response.StatusCode == 401 || response.StatusCode == 403)
            {
                // Some deployments protect the version document; try once more with the token.
                response = await SendWithRetriesAsync(() => WithToken(new HttpRequestMessage(HttpMethod.Get, root), auth.Token), RetryPolicy.Always, null, null, true, log,
                    cancellationToken).ConfigureAwait(false);
            }
            if (response.StatusCode == 401 || response.StatusCode == 403)
            {
                var pin = _settings.ComputeApiVersion;
                if (!MicroversionNegotiator.IsLatest(pin) && Microversion.TryParse(pin, out var pinned)) max = pinned;
                log.Warning($"The compute version document at {Redactor.Where(root)} is not readable (HTTP {response.StatusCode}); assuming microversions {min} to {max}.");
            }
            else if (response.StatusCode >= 200 && response.StatusCode < 300)
            {
                ReadVersionDocument(response, root, out min, out max);
            }
            else
            {
                throw new ComputeServiceException(ErrorIds.EndpointUnreachable, FailureKind.ConnectionError,
                    $"The compute version document at {Redactor.Where(root)} could not be read (HTTP {response.StatusCode}" +
                    (response.RequestId == null ? "" : $", request {response.RequestId}") + ")" +
                    (response.StatusCode == 404 ? ": the compute endpoint is not a Nova v2.1 API (check the catalog entry or the endpoint's /v2.1)." : "."))
                {
                    StatusCode = response.StatusCode,
                    RequestId = response.RequestId,
                    Target = Redactor.Where(root),
                    RecommendedAction = response.StatusCode == 404
                        ? "Check the compute endpoint (it ends in /v2.1) and the catalog's compute entry, then connect again."
                        : "Retry in a moment: the next command reads the version document again.",
                };
            }
            var chosen = MicroversionNegotiator.Negotiate(_settings.ComputeApiVersion, min, max);
            lock (_versionLock)
            {
                _minVersion = min;
                _maxVersion = max;
                _apiVersion = chosen;
                _versionKnown = true;
            }
            log.Verbose($"Compute API at {Redactor.Url(auth.Endpoint)}: microversions {min} to {max}; using {chosen}.");
        }

        private static void ReadVersionDocument(NovaResponse response, Uri root, out Microversion min, out Microversion max)
        {
            string? problem;
            try
            {
                using var doc = JsonDocument.Parse(response.Body);
                problem = MicroversionNegotiator.ReadVersionDocument(doc.RootElement, out min, out max);
            }
            catch (JsonException)
            {
                min = max = MicroversionNegotiator.Baseline;
                problem = "it is not JSON (a proxy or another service may be answering)";
            }
            if (problem != null)
                throw new ComputeServiceException(ErrorIds.EndpointUnreachable, FailureKind.InvalidData,
                    $"The compute version document at {Redactor.Where(root)} is not one Nova writes: {problem}.")
                {
                    StatusCode = response.StatusCode,
                    RequestId = response.RequestId,
                    Target = Redactor.Where(root),
                    RecommendedAction = "Check that the compute endpoint points at Nova's /v2.1 (and not at a proxy page or another service).",
                };
        }

        /// <summary>
        /// Nova says in <c>OpenStack-API-Version</c> which microversion it answered at. A proxy that strips the request
        /// header makes Nova answer at 2.1 (integer ids, no forced_down): that must fail, not be read as the asked version.
        /// </summary>
        private static void CheckAnsweredVersion(NovaResponse response, Microversion asked, string method, Uri url)
        {
            var header = response.ApiVersionHeader;
            if (header == null) return;
            var text = header.Trim();
            if (text.StartsWith("compute ", StringComparison.OrdinalIgnoreCase)) text = text.Substring("compute ".Length).Trim();
            if (Microversion.TryParse(text, out var answered) && answered == asked) return;
            var shown = Microversion.TryParse(text, out answered) ? answered.ToString() : $"'{header}' (not a microversion)";
            throw new ComputeServiceException(ErrorIds.ApiVersionNotSupported, FailureKind.NotSupported,
                $"{method} {Redactor.Where(url)} asked for compute microversion {asked} but was answered at {shown}; " +
                "something between this machine and Nova (a proxy or load balancer) may drop the OpenStack-API-Version header.")
            {
                StatusCode = response.StatusCode,
                RequestId = response.RequestId,
                Target = Redactor.Where(url),
                RecommendedAction = "Let the OpenStack-API-Version and X-OpenStack-Nova-API-Version request headers through to Nova, or pin -ComputeApiVersion 2.1.",
            };
        }
    }
}
