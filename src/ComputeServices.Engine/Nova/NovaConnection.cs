using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Nova
{
    /// <summary>
    /// One session with one Nova: a single HttpClient (one connection pool), the Keystone token and its expiry,
    /// the compute endpoint from the catalog, the version document and the negotiated microversion. Thread-safe.
    /// </summary>
    public sealed partial class NovaConnection : IDisposable
    {
        /// <summary>keystoneauth re-authenticates when a token has less than this left.</summary>
        internal static readonly TimeSpan MinTokenLife = TimeSpan.FromSeconds(120);

        private readonly NovaConnectionSettings _settings;
        private readonly HttpClient _client;
        private readonly SemaphoreSlim _authLock = new SemaphoreSlim(1, 1);
        private readonly object _versionLock = new object();
        private readonly string[] _secrets;
        private volatile AuthState? _auth;
        private volatile IOperationLog _log;
        private Microversion _apiVersion;
        private Microversion _minVersion;
        private Microversion _maxVersion;
        private volatile bool _versionKnown;
        private bool _disposed;

        private sealed class AuthState
        {
            public AuthState(string token, DateTime? expiresAt, Uri endpoint, string? userName, string? projectName)
            {
                Token = token;
                ExpiresAt = expiresAt;
                Endpoint = endpoint;
                UserName = userName;
                ProjectName = projectName;
            }

            public string Token { get; }
            public DateTime? ExpiresAt { get; }
            public Uri Endpoint { get; }
            public string? UserName { get; }
            public string? ProjectName { get; }
        }

        private NovaConnection(NovaConnectionSettings settings, IOperationLog? log, HttpMessageHandler? handler)
        {
            _settings = settings.Clone();
            _log = log ?? NullOperationLog.Instance;
            _secrets = _settings.Secrets().Distinct().ToArray();
            _client = new HttpClient(handler ?? NovaTransport.CreateHandler(_settings), disposeHandler: true)
            {
                Timeout = Timeout.InfiniteTimeSpan, // per request, see SendOnceAsync
            };
            _client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent",
                string.IsNullOrWhiteSpace(_settings.UserAgent) ? NovaTransport.DefaultUserAgent : _settings.UserAgent);
        }

        /// <summary>Creates a connection; nothing is sent until <see cref="ConnectAsync"/> or the first request.</summary>
        public static NovaConnection Create(NovaConnectionSettings settings, IOperationLog? log = null, HttpMessageHandler? handler = null)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            if (settings.UsesStaticToken)
            {
                if (settings.Endpoint == null || string.IsNullOrEmpty(settings.Token))
                    throw new ComputeServiceException(ErrorIds.CloudConfigInvalid, FailureKind.InvalidArgument,
                        "Token authentication without Keystone (admin_token) needs both a compute endpoint and a token.")
                    { RecommendedAction = "Pass the compute endpoint (e.g. http://nova:8774/v2.1) and the token, or a Keystone auth URL with credentials." };
            }
            else if (string.IsNullOrWhiteSpace(settings.AuthUrl))
                throw new ComputeServiceException(ErrorIds.CloudConfigInvalid, FailureKind.InvalidArgument,
                    "No Keystone auth URL is configured (auth.auth_url in clouds.yaml, OS_AUTH_URL), and no compute endpoint with a token.")
                { RecommendedAction = "Pass -AuthUrl with credentials, -Cloud with a clouds.yaml cloud, or -Endpoint with -Token." };
            return new NovaConnection(settings, log, handler);
        }

        /// <summary>Where -Verbose/-Debug output of the next requests goes; set per cmdlet call.</summary>
        public IOperationLog Log
        {
            get => _log;
            set => _log = value ?? NullOperationLog.Instance;
        }

        public bool IsConnected => _auth != null && _versionKnown;
        public bool IsDisposed => _disposed;
        /// <summary>The compute endpoint (from the catalog, or the override).</summary>
        public Uri? Endpoint => _auth?.Endpoint ?? _settings.Endpoint;
        /// <summary>The negotiated (or pinned) microversion, e.g. <c>2.93</c>; null before connecting.</summary>
        public string? ApiVersion => _versionKnown ? _apiVersion.ToString() : null;
        public string? MaxApiVersion => _versionKnown ? _maxVersion.ToString() : null;
        public string? MinApiVersion => _versionKnown ? _minVersion.ToString() : null;
        public string? CloudName => _settings.CloudName;
        public string? AuthUrl => _settings.UsesStaticToken ? null : _settings.AuthUrl;
        public string? Region => _settings.RegionName;
        public string Interface => KeystoneAuthenticator.NormalizeInterface(_settings.Interface);
        public string AuthType => _settings.EffectiveAuthType;
        public string? UserName => _auth?.UserName ?? _settings.Username ?? _settings.UserId;
        public string? ProjectName => _auth?.ProjectName ?? _settings.ProjectName ?? _settings.ProjectId;
        /// <summary>When the current token expires (UTC); null for a static token.</summary>
        public DateTime? TokenExpiresAt => _auth?.ExpiresAt;

        internal Microversion NegotiatedVersion => _apiVersion;
        /// <summary>The token in use (a secret: never log or show it).</summary>
        internal string? CurrentToken => _auth?.Token;
        internal Microversion ServerMaxVersion => _maxVersion;

        /// <summary>Test seam: the retry delay.</summary>
        internal Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (t, ct) => Task.Delay(t, ct);
        /// <summary>Test seam: the clock used for token expiry.</summary>
        internal Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;

        /// <summary>Authenticates, discovers the compute version document and negotiates the microversion.</summary>
        public async Task ConnectAsync(CancellationToken cancellationToken)
        {
            ThrowIfDisposed();
            await EnsureAuthenticatedAsync(force: false, cancellationToken).ConfigureAwait(false);
            await EnsureVersionAsync(cancellationToken).ConfigureAwait(false);
        }

        public override string ToString()
            => _versionKnown ? $"nova@{Endpoint} ({_apiVersion})" : $"nova@{(object?)Endpoint ?? _settings.AuthUrl}";

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _client.Dispose();
            _authLock.Dispose();
        }

        private void ThrowIfDisposed()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(NovaConnection));
        }

        private bool CanReauthenticate => !_settings.UsesStaticToken;

        private bool NeedsRenewal(AuthState state)
            => state.ExpiresAt.HasValue && state.ExpiresAt.Value - UtcNow() < MinTokenLife;

        private async Task<AuthState> EnsureAuthenticatedAsync(bool force, CancellationToken cancellationToken, string? rejectedToken = null)
        {
            var current = _auth;
            if (!force && current != null && !NeedsRenewal(current)) return current;
            await _authLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                current = _auth;
                // Another caller may have renewed it while this one waited.
                if (current != null && !NeedsRenewal(current) && (!force || current.Token != rejectedToken)) return current;
                var fresh = await AuthenticateAsync(cancellationToken).ConfigureAwait(false);
                _auth = fresh;
                return fresh;
            }
            finally
            {
                _authLock.Release();
            }
        }

        private async Task<AuthState> AuthenticateAsync(CancellationToken cancellationToken)
        {
            if (_settings.UsesStaticToken)
                return new AuthState(_settings.Token!, null, _settings.Endpoint!, _settings.Username, _settings.ProjectName);

            var url = KeystoneAuthenticator.TokensUrl(_settings.AuthUrl!);
            var body = KeystoneAuthenticator.BuildRequestBody(_settings);
            var response = await SendWithRetriesAsync(
                () => new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent(body) },
                retryable: true, versionLabel: null, body, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != 201 && response.StatusCode != 200)
            {
                var ex = NovaErrorMapper.Map(response.StatusCode, response.Body, response.RequestId, "POST", url, null);
                var (_, keystoneMessage) = NovaErrorMapper.ReadFault(response.Body);
                var text = $"Keystone refused to issue a token for {Describe()}: {keystoneMessage ?? "HTTP " + response.StatusCode}"
                    + (response.RequestId == null ? $" (HTTP {response.StatusCode})" : $" (HTTP {response.StatusCode}, request {response.RequestId})");
                var mapped = new ComputeServiceException(
                    response.StatusCode == 401 || response.StatusCode == 404 || response.StatusCode == 400 ? ErrorIds.AuthenticationFailed : ex.ErrorId,
                    response.StatusCode == 401 || response.StatusCode == 404 || response.StatusCode == 400 ? FailureKind.Authentication : ex.Kind,
                    Scrub(text))
                {
                    StatusCode = response.StatusCode,
                    RequestId = response.RequestId,
                    ServerMessage = Scrub(keystoneMessage),
                    Target = url.GetLeftPart(UriPartial.Path),
                    RecommendedAction = response.StatusCode == 401
                        ? "Check the user name, password (or application credential id and secret), domains and project, then connect again."
                        : ex.RecommendedAction,
                };
                throw mapped;
            }
            var token = KeystoneAuthenticator.ParseResponse(response.Body, response.SubjectToken);
            var endpoint = _settings.Endpoint ?? KeystoneAuthenticator.SelectComputeEndpoint(token.Catalog, _settings.Interface, _settings.RegionName);
            _log.Verbose($"Authenticated {Describe()}; token expires {token.ExpiresAt?.ToString("u") ?? "(unknown)"}; compute endpoint {endpoint}.");
            return new AuthState(token.Value, token.ExpiresAt, endpoint, token.UserName ?? _settings.Username, token.ProjectName ?? _settings.ProjectName);
        }

        private string Describe()
        {
            var who = _settings.Username ?? _settings.UserId ?? ("application credential " + (_settings.ApplicationCredentialId ?? _settings.ApplicationCredentialName));
            if (_settings.EffectiveAuthType.Contains("token")) who = "the given token";
            var project = _settings.ProjectName ?? _settings.ProjectId;
            return project == null ? who : $"{who} (project {project})";
        }

        private async Task EnsureVersionAsync(CancellationToken cancellationToken)
        {
            if (_versionKnown) return;
            var auth = _auth ?? await EnsureAuthenticatedAsync(false, cancellationToken).ConfigureAwait(false);
            var root = MicroversionNegotiator.VersionRoot(auth.Endpoint);
            Microversion min = MicroversionNegotiator.Baseline, max = MicroversionNegotiator.Baseline;
            var found = false;
            var response = await SendWithRetriesAsync(() => new HttpRequestMessage(HttpMethod.Get, root), true, null, null, cancellationToken)
                .ConfigureAwait(false);
            if (response.StatusCode == 401 || response.StatusCode == 403)
            {
                // Some deployments protect the version document; try once more with the token.
                response = await SendWithRetriesAsync(() => WithToken(new HttpRequestMessage(HttpMethod.Get, root), auth.Token), true, null, null, cancellationToken)
                    .ConfigureAwait(false);
            }
            if (response.StatusCode >= 200 && response.StatusCode < 300)
            {
                try
                {
                    using var doc = JsonDocument.Parse(response.Body);
                    found = MicroversionNegotiator.TryParseVersionDocument(doc.RootElement, out min, out max);
                }
                catch (JsonException)
                {
                }
            }
            if (!found)
            {
                var pin = _settings.ComputeApiVersion;
                if (!MicroversionNegotiator.IsLatest(pin) && Microversion.TryParse(pin, out var pinned)) max = pinned;
                _log.Warning($"Could not read the compute version document at {root} (HTTP {response.StatusCode}); assuming microversions {min} to {max}.");
            }
            var chosen = MicroversionNegotiator.Negotiate(_settings.ComputeApiVersion, min, max);
            lock (_versionLock)
            {
                _minVersion = min;
                _maxVersion = max;
                _apiVersion = chosen;
                _versionKnown = true;
            }
            _log.Verbose($"Compute API at {auth.Endpoint}: microversions {min} to {max}; using {chosen}.");
        }

        private HttpRequestMessage WithToken(HttpRequestMessage request, string token)
        {
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
            return request;
        }

        internal string Scrub(string? text) => Redactor.Scrub(text, _secrets);

        internal IReadOnlyList<string> SecretValues => _secrets;
    }
}
