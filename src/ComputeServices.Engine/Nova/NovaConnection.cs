using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Nova
{
    /// <summary>
    /// One session with one Nova: a single HttpClient (one connection pool), the Keystone token and its expiry,
    /// the compute endpoint from the catalog, the version document and the negotiated microversion. Thread-safe.
    /// It holds no log of its own for requests: every call passes the log of its caller, so two commands sharing
    /// one connection never write into each other's streams.
    /// </summary>
    public sealed partial class NovaConnection : IDisposable
    {
        /// <summary>keystoneauth re-authenticates when a token has less than this left.</summary>
        internal static readonly TimeSpan MinTokenLife = TimeSpan.FromSeconds(120);

        private readonly NovaConnectionSettings _settings;
        private readonly HttpClient _client;
        private readonly SemaphoreSlim _authLock = new SemaphoreSlim(1, 1);
        private readonly object _versionLock = new object();
        private readonly IOperationLog _defaultLog;
        private volatile AuthState? _auth;
        private Microversion _apiVersion;
        private Microversion _minVersion;
        private Microversion _maxVersion;
        private volatile bool _versionKnown;
        private bool _disposed;
        private int _warnedStaleToken;

        private sealed class AuthState
        {
            public AuthState(string token, DateTime? expiresAt, DateTime? renewAt, Uri endpoint, string? userName, string? projectName)
            {
                Token = token;
                ExpiresAt = expiresAt;
                RenewAt = renewAt;
                Endpoint = endpoint;
                UserName = userName;
                ProjectName = projectName;
            }

            public string Token { get; }
            /// <summary>As Keystone said (Keystone's clock).</summary>
            public DateTime? ExpiresAt { get; }
            /// <summary>When to authenticate again, by this machine's clock.</summary>
            public DateTime? RenewAt { get; }
            public Uri Endpoint { get; }
            public string? UserName { get; }
            public string? ProjectName { get; }
        }

        private NovaConnection(NovaConnectionSettings settings, IOperationLog? log, HttpMessageHandler? handler)
        {
            _settings = settings.Clone();
            _defaultLog = log ?? NullOperationLog.Instance;
            InitializeSecrets();
            _client = new HttpClient(handler ?? NovaTransport.CreateHandler(_settings), disposeHandler: true)
            {
                Timeout = Timeout.InfiniteTimeSpan, // per request, see SendOnceAsync
            };
            _client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent",
                string.IsNullOrWhiteSpace(_settings.UserAgent) ? NovaTransport.DefaultUserAgent : _settings.UserAgent);
        }

        /// <summary>
        /// Creates a connection; nothing is sent until <see cref="ConnectAsync(CancellationToken, IOperationLog)"/> or the first request.
        /// <paramref name="log"/> receives what calls without a log of their own report (Connect-ComputeService's authentication).
        /// </summary>
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
            if (settings.Endpoint != null) NovaEndpoint.Checked(settings.Endpoint, "compute endpoint");
            if (!settings.UsesStaticToken) KeystoneAuthenticator.TokensUrl(settings.AuthUrl!);
            if (settings.MaximumResponseSizeMB < 1)
                throw new ComputeServiceException(ErrorIds.CloudConfigInvalid, FailureKind.InvalidArgument,
                    $"The maximum response size must be at least 1 MB (was {settings.MaximumResponseSizeMB}).")
                { Target = settings.MaximumResponseSizeMB };
            return new NovaConnection(settings, log, handler);
        }

        public bool IsConnected => _auth != null && _versionKnown;
        public bool IsDisposed => _disposed;
        /// <summary>The compute endpoint (from the catalog, or the override), without any user info.</summary>
        public Uri? Endpoint
        {
            get
            {
                var endpoint = _auth?.Endpoint ?? _settings.Endpoint;
                return endpoint == null || string.IsNullOrEmpty(endpoint.UserInfo) ? endpoint : new Uri(Redactor.Url(endpoint));
            }
        }
        /// <summary>The negotiated (or pinned) microversion, e.g. <c>2.93</c>; null before connecting.</summary>
        public string? ApiVersion => _versionKnown ? _apiVersion.ToString() : null;
        public string? MaxApiVersion => _versionKnown ? _maxVersion.ToString() : null;
        public string? MinApiVersion => _versionKnown ? _minVersion.ToString() : null;
        public string? CloudName => _settings.CloudName;
        public string? AuthUrl => _settings.UsesStaticToken ? null : Redactor.Url(_settings.AuthUrl);
        public string? Region => _settings.RegionName;
        public string Interface => KeystoneAuthenticator.NormalizeInterface(_settings.Interface);
        public string AuthType => _settings.EffectiveAuthType;
        public string? UserName => _auth?.UserName ?? _settings.Username ?? _settings.UserId;
        public string? ProjectName => _auth?.ProjectName ?? _settings.ProjectName ?? _settings.ProjectId;
        /// <summary>When the current token expires (UTC, as Keystone said); null for a static token.</summary>
        public DateTime? TokenExpiresAt => _auth?.ExpiresAt;
        /// <summary>The largest response body read, in MB.</summary>
        public int MaximumResponseSizeMB => _settings.MaximumResponseSizeMB;

        internal Microversion NegotiatedVersion => _apiVersion;
        /// <summary>The token in use (a secret: never log or show it).</summary>
        internal string? CurrentToken => _auth?.Token;
        internal Microversion ServerMaxVersion => _maxVersion;
        /// <summary>The log of calls that bring none (Connect's own).</summary>
        internal IOperationLog DefaultLog => _defaultLog;

        /// <summary>Test seam: the retry delay.</summary>
        internal Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (t, ct) => Task.Delay(t, ct);
        /// <summary>Test seam: the clock used for token expiry.</summary>
        internal Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;

        /// <summary>Authenticates, discovers the compute version document and negotiates the microversion.</summary>
        public Task ConnectAsync(CancellationToken cancellationToken) => ConnectAsync(cancellationToken, null);

        /// <summary>As <see cref="ConnectAsync(CancellationToken)"/>, reporting to <paramref name="log"/>.</summary>
        public async Task ConnectAsync(CancellationToken cancellationToken, IOperationLog? log)
        {
            ThrowIfDisposed();
            var scrubbed = LogFor(log);
            try
            {
                await EnsureAuthenticatedAsync(false, scrubbed, cancellationToken).ConfigureAwait(false);
                await EnsureVersionAsync(scrubbed, cancellationToken).ConfigureAwait(false);
            }
            catch (ComputeServiceException ex)
            {
                throw Scrubbed(ex);
            }
        }

        public override string ToString()
            => _versionKnown ? $"nova@{Endpoint} ({_apiVersion})" : $"nova@{(object?)Endpoint ?? AuthUrl}";

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

        private bool NeedsRenewal(AuthState state) => state.RenewAt.HasValue && UtcNow() >= state.RenewAt.Value;

        /// <summary>
        /// Renew at min(120 s, half the lifetime) before expiry, the lifetime measured from Keystone's own
        /// issued_at/expires_at so a skewed local clock does not matter and a short-lived token is not renewed on every request.
        /// </summary>
        private DateTime? RenewalTime(KeystoneToken token, DateTime receivedAt)
        {
            if (!token.ExpiresAt.HasValue) return null;
            if (token.IssuedAt.HasValue && token.ExpiresAt.Value > token.IssuedAt.Value)
            {
                var lifetime = token.ExpiresAt.Value - token.IssuedAt.Value;
                var margin = TimeSpan.FromTicks(Math.Min(MinTokenLife.Ticks, lifetime.Ticks / 2));
                return receivedAt + lifetime - margin;
            }
            return token.ExpiresAt.Value - MinTokenLife;
        }

        private async Task<AuthState> EnsureAuthenticatedAsync(bool force, IOperationLog log, CancellationToken cancellationToken, string? rejectedToken = null)
        {
            var current = _auth;
            if (!force && current != null && !NeedsRenewal(current)) return current;
            await _authLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                current = _auth;
                // Another caller may have renewed it while this one waited.
                if (current != null && !NeedsRenewal(current) && (!force || current.Token != rejectedToken)) return current;
                var fresh = await AuthenticateAsync(log, cancellationToken).ConfigureAwait(false);
                _auth = fresh;
                return fresh;
            }
            finally
            {
                _authLock.Release();
            }
        }

        private async Task<AuthState> AuthenticateAsync(IOperationLog log, CancellationToken cancellationToken)
        {
            if (_settings.UsesStaticToken)
                return new AuthState(_settings.Token!, null, null, _settings.Endpoint!, _settings.Username, _settings.ProjectName);

            var url = KeystoneAuthenticator.TokensUrl(_settings.AuthUrl!);
            var body = KeystoneAuthenticator.BuildRequestBody(_settings);
            var response = await SendWithRetriesAsync(
                () => new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent(body) },
                RetryPolicy.UnlessSent, versionLabel: null, body, carriesSecret: true, log, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != 201 && response.StatusCode != 200)
            {
                var ex = NovaErrorMapper.Map(response.StatusCode, Scrub(response.Body), response.RequestId, "POST", url, null);
                var (_, keystoneMessage) = NovaErrorMapper.ReadFault(Scrub(response.Body));
                var text = $"Keystone refused to issue a token for {Describe()}: {keystoneMessage ?? "HTTP " + response.StatusCode}"
                    + (response.RequestId == null ? $" (HTTP {response.StatusCode})" : $" (HTTP {response.StatusCode}, request {response.RequestId})");
                var refused = response.StatusCode == 401 || response.StatusCode == 404 || response.StatusCode == 400;
                throw new ComputeServiceException(refused ? ErrorIds.AuthenticationFailed : ex.ErrorId, refused ? FailureKind.Authentication : ex.Kind, Scrub(text))
                {
                    StatusCode = response.StatusCode,
                    RequestId = response.RequestId,
                    ServerMessage = Scrub(keystoneMessage),
                    Target = Redactor.Where(url),
                    RecommendedAction = response.StatusCode == 401
                        ? "Check the user name, password (or application credential id and secret), domains and project, then connect again."
                        : ex.RecommendedAction,
                };
            }
            var receivedAt = UtcNow();
            var token = KeystoneAuthenticator.ParseResponse(response.Body, response.SubjectToken);
            AddSecret(token.Value);
            var endpoint = _settings.Endpoint ?? KeystoneAuthenticator.SelectComputeEndpoint(token.Catalog, _settings.Interface, _settings.RegionName);
            log.Verbose($"Authenticated {Describe()}; token expires {token.ExpiresAt?.ToString("u") ?? "(unknown)"}; compute endpoint {Redactor.Url(endpoint)}.");
            var renewAt = RenewalTime(token, receivedAt);
            if (renewAt.HasValue && renewAt.Value <= receivedAt)
            {
                // Renewing by time would ask again before every request: use it until Nova answers 401 (SendCoreAsync renews then).
                renewAt = null;
                if (Interlocked.Exchange(ref _warnedStaleToken, 1) == 0)
                    log.Warning($"Keystone issued a token that expires at {token.ExpiresAt:u}, which by this machine's clock ({receivedAt:u}) is already past " +
                                "or due for renewal: this machine's clock or Keystone's is wrong. The token is used until Nova rejects it.");
            }
            return new AuthState(token.Value, token.ExpiresAt, renewAt, endpoint,
                token.UserName ?? _settings.Username, token.ProjectName ?? _settings.ProjectName);
        }

        private string Describe()
        {
            var who = _settings.Username ?? _settings.UserId ?? ("application credential " + (_settings.ApplicationCredentialId ?? _settings.ApplicationCredentialName));
            if (_settings.EffectiveAuthType.Contains("token")) who = "the given token";
            var project = _settings.ProjectName ?? _settings.ProjectId;
            return project == null ? who : $"{who} (project {project})";
        }

        private HttpRequestMessage WithToken(HttpRequestMessage request, string token)
        {
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
            return request;
        }
    }
}
