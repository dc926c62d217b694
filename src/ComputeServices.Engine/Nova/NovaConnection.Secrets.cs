using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;

namespace ComputeServices.Nova
{
    public sealed partial class NovaConnection
    {
        private readonly object _secretLock = new object();
        private readonly List<string> _secrets = new List<string>();
        private volatile string[] _secretForms = Array.Empty<string>();
        private int _warnedCleartext;
        private int _warnedInsecure;
        private int _warnedAuthChoice;

        /// <summary>The configured secrets (passwords, application credential secret, token, URL user info passwords).</summary>
        private void InitializeSecrets()
        {
            var secrets = _settings.Secrets()
                .Concat(Redactor.UserInfoSecrets(_settings.AuthUrl))
                .Concat(Redactor.UserInfoSecrets(_settings.Endpoint?.OriginalString))
                .Concat(Redactor.UserInfoSecrets(_settings.Proxy?.OriginalString))
                .Concat(Redactor.ProxyVariableSecrets(Environment.GetEnvironmentVariable));
            foreach (var secret in secrets) AddSecret(secret);
        }

        /// <summary>Adds a secret learned while running, such as the token Keystone issued.</summary>
        private void AddSecret(string? secret)
        {
            if (string.IsNullOrEmpty(secret)) return;
            lock (_secretLock)
            {
                if (_secrets.Contains(secret!)) return;
                _secrets.Add(secret!);
                _secretForms = Redactor.Forms(_secrets).ToArray();
            }
        }

        /// <summary>The text with every known secret masked, in every encoded form.</summary>
        internal string Scrub(string? text) => Redactor.Scrub(text, _secretForms);

        internal IReadOnlyList<string> SecretValues
        {
            get
            {
                lock (_secretLock) return _secrets.ToArray();
            }
        }

        /// <summary>The exception with every secret masked in its message, server message, advice and target.</summary>
        internal ComputeServiceException Scrubbed(ComputeServiceException ex)
        {
            var message = Scrub(ex.Message);
            var target = ex.Target is string text ? Scrub(Redactor.Url(text)) : ex.Target;
            var serverMessage = ex.ServerMessage == null ? null : Scrub(ex.ServerMessage);
            var action = ex.RecommendedAction == null ? null : Scrub(ex.RecommendedAction);
            var inner = Redacted(ex.InnerException);
            if (message == ex.Message && Equals(target, ex.Target) && serverMessage == ex.ServerMessage && action == ex.RecommendedAction
                && ReferenceEquals(inner, ex.InnerException) && ex.Data.Count == 0) return ex;
            var copy = ex is RequestOutcomeUnknownException
                ? new RequestOutcomeUnknownException(message, inner)
                : new ComputeServiceException(ex.ErrorId, ex.Kind, message, inner);
            foreach (System.Collections.DictionaryEntry entry in ex.Data) copy.Data[Scrub(entry.Key?.ToString())] = Scrub(entry.Value?.ToString());
            copy.Target = target;
            copy.ServerMessage = serverMessage;
            copy.RecommendedAction = action;
            copy.StatusCode = ex.StatusCode;
            copy.RequestId = ex.RequestId;
            return copy;
        }

        /// <summary>An inner exception chain with secrets masked (the module's own exceptions scrubbed, others redacted).</summary>
        private Exception? Redacted(Exception? ex)
        {
            switch (ex)
            {
                case null: return null;
                case RedactedException _: return ex;
                case ComputeServiceException own: return Scrubbed(own);
                default: return new RedactedException(ex, Scrub, Redacted(ex.InnerException));
            }
        }

        /// <summary>The caller's log (or the connection's own), behind a mask for every secret this connection knows.</summary>
        internal IOperationLog LogFor(IOperationLog? log)
            => log as ScrubbingLog ?? new ScrubbingLog(log ?? _defaultLog, this);

        /// <summary>Once per connection: which of two given credentials is used, a secret going over cleartext HTTP to another machine, and TLS checks turned off.</summary>
        private void WarnAboutTransport(Uri url, bool carriesSecret, IOperationLog log)
        {
            if (_settings.AuthChoiceWarning != null && Interlocked.Exchange(ref _warnedAuthChoice, 1) == 0)
                log.Warning(_settings.AuthChoiceWarning);
            if (carriesSecret && string.Equals(url.Scheme, "http", StringComparison.OrdinalIgnoreCase) && !IsLoopback(url)
                && Interlocked.Exchange(ref _warnedCleartext, 1) == 0)
                log.Warning($"Credentials are sent unencrypted to {Redactor.Where(url)} (http:// to a host that is not this machine): " +
                            "anyone on the network path can read the password, secret or token. Use https://.");
            if (_settings.Insecure && Interlocked.Exchange(ref _warnedInsecure, 1) == 0)
                log.Warning("TLS certificate checks are off for this connection (-SkipCertificateCheck, verify: false, insecure: true or OS_INSECURE): " +
                            "the server is not authenticated and credentials can be intercepted. Give the CA bundle (cacert) instead.");
        }

        private static bool IsLoopback(Uri url)
        {
            if (url.IsLoopback) return true;
            return IPAddress.TryParse(url.DnsSafeHost, out var address) && IPAddress.IsLoopback(address);
        }

        /// <summary>Masks secrets in everything written, whoever writes it (the engine, or a backend's warnings).</summary>
        private sealed class ScrubbingLog : IOperationLog
        {
            private readonly IOperationLog _inner;
            private readonly NovaConnection _connection;

            public ScrubbingLog(IOperationLog inner, NovaConnection connection)
            {
                _inner = inner;
                _connection = connection;
            }

            public bool IsDebugEnabled => _inner.IsDebugEnabled;
            public void Verbose(string message) => _inner.Verbose(_connection.Scrub(message));
            public void Debug(string message) => _inner.Debug(_connection.Scrub(message));
            public void Warning(string message) => _inner.Warning(_connection.Scrub(message));
        }
    }

    /// <summary>
    /// A request that cannot be repeated safely (DELETE) went out, and its answer never came: the server may or may not
    /// have acted. Callers find out (for example by listing) before they report anything.
    /// </summary>
    internal sealed class RequestOutcomeUnknownException : ComputeServiceException
    {
        public RequestOutcomeUnknownException(string message, Exception? inner)
            : base(ErrorIds.OutcomeUnknown, FailureKind.ConnectionError, message, inner)
        {
        }
    }
}
