using System;
using System.Management.Automation;
using System.Net;
using System.Security;
using ComputeServices.Config;
using ComputeServices.Nova;

namespace ComputeServices.Commands
{
    /// <summary>
    /// Connects to a cloud's Nova (authenticates, discovers the API, negotiates the microversion) and makes it the
    /// default for this runspace, so later cmdlets need no connection parameters.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "ComputeService", DefaultParameterSetName = EnvironmentSet)]
    [OutputType(typeof(NovaConnection))]
    public sealed class ConnectComputeServiceCommand : PSCmdlet, IDisposable
    {
        private readonly EngineCalls _engine;

        public ConnectComputeServiceCommand() => _engine = new EngineCalls(this);

        private QueuedOperationLog EngineLog => _engine.Log;

        protected override void StopProcessing() => _engine.Cancel();

        public void Dispose() => _engine.Dispose();

        private const string CloudSet = "Cloud";
        private const string CredentialSet = "Credential";
        private const string TokenSet = "Token";
        private const string EnvironmentSet = "Environment";

        /// <summary>A cloud of clouds.yaml (searched as openstacksdk does; secure.yaml merged over it).</summary>
        [Parameter(ParameterSetName = CloudSet, Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(CloudNameCompleter))]
        public string? Cloud { get; set; }

        /// <summary>Keystone's URL, e.g. https://keystone.example.com:5000/v3.</summary>
        [Parameter(ParameterSetName = CredentialSet, Mandatory = true)]
        public Uri? AuthUrl { get; set; }

        /// <summary>User name and password; with -ApplicationCredential, the application credential id and secret.</summary>
        [Parameter(ParameterSetName = CredentialSet, Mandatory = true)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The credential is an application credential (UserName = its id, Password = its secret).</summary>
        [Parameter(ParameterSetName = CredentialSet)]
        public SwitchParameter ApplicationCredential { get; set; }

        /// <summary>The project to scope the token to, by name.</summary>
        [Parameter(ParameterSetName = CredentialSet)]
        public string? ProjectName { get; set; }

        /// <summary>The project to scope the token to, by id.</summary>
        [Parameter(ParameterSetName = CredentialSet)]
        public string? ProjectId { get; set; }

        /// <summary>The user's domain (default: Default).</summary>
        [Parameter(ParameterSetName = CredentialSet)]
        public string? UserDomainName { get; set; }

        /// <summary>The project's domain (default: Default).</summary>
        [Parameter(ParameterSetName = CredentialSet)]
        public string? ProjectDomainName { get; set; }

        /// <summary>The compute endpoint, e.g. https://nova.example.com:8774/v2.1, used with -Token and no Keystone.</summary>
        [Parameter(ParameterSetName = TokenSet, Mandatory = true)]
        public Uri? Endpoint { get; set; }

        /// <summary>A pre-issued token for -Endpoint.</summary>
        [Parameter(ParameterSetName = TokenSet, Mandatory = true)]
        public SecureString? Token { get; set; }

        /// <summary>Use OS_CLOUD or the OS_* variables (the default when no other way in is given).</summary>
        [Parameter(ParameterSetName = EnvironmentSet)]
        public SwitchParameter FromEnvironment { get; set; }

        /// <summary>The region of the compute endpoint in the catalog.</summary>
        [Parameter]
        public string? Region { get; set; }

        /// <summary>The catalog interface: public (default), internal or admin.</summary>
        [Parameter]
        [ValidateSet("public", "internal", "admin", IgnoreCase = true)]
        public string? Interface { get; set; }

        /// <summary>Pin the compute microversion (e.g. 2.53) instead of negotiating the highest both sides support.</summary>
        [Parameter]
        [ValidatePattern(@"^(2\.\d+|2\.latest|latest)$")]
        public string? ApiVersion { get; set; }

        /// <summary>Do not verify TLS certificates (testing only).</summary>
        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        /// <summary>A PEM bundle of CAs to trust for TLS (clouds.yaml's cacert, OS_CACERT).</summary>
        [Parameter]
        [Alias("CaCert")]
        public string? CertificateAuthorityFile { get; set; }

        /// <summary>Seconds before one request times out.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int? TimeoutSec { get; set; }

        /// <summary>How often an idempotent request (GET, PUT) is retried on connection failures, 429 and 502/503/504.</summary>
        [Parameter]
        [ValidateRange(0, 10)]
        public int? MaximumRetryCount { get; set; }

        /// <summary>The largest response body read, in MB (default 64); a larger one stops the command with ResponseTooLarge.</summary>
        [Parameter]
        [ValidateRange(1, 4096)]
        public int? MaximumResponseSizeMB { get; set; }

        /// <summary>A proxy for every request (else the system's).</summary>
        [Parameter]
        public Uri? Proxy { get; set; }

        /// <summary>Credentials for -Proxy.</summary>
        [Parameter]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        /// <summary>Write the connection to the pipeline (for -Connection on other cmdlets).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            NovaConnection? connection = null;
            var connected = false;
            try
            {
                var settings = BuildSettings();
                EngineLog.IsDebugEnabled = this.IsDebugWanted();
                connection = NovaConnection.Create(settings, EngineLog);
                _engine.Run(token => connection.ConnectAsync(token));
                connected = true;
            }
            catch (ComputeServiceException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, (object?)Cloud ?? Nova.Redactor.Url(AuthUrl?.ToString()) ?? Nova.Redactor.Url(Endpoint?.ToString())));
            }
            finally
            {
                // Fail closed: after a failed attempt nothing falls back to the previous cloud, OS_* or an inventory.
                if (!connected)
                {
                    connection?.Dispose();
                    ComputeServiceCmdletBase.Session.ConnectFailed(Attempt(), "it did not complete");
                }
            }
            ComputeServiceCmdletBase.Session.Connected(connection!);
            WriteVerbose($"Connected: {connection} as {connection!.UserName ?? "(token)"}, project {connection.ProjectName ?? "(token scope)"}.");
            if (PassThru) WriteObject(connection);
        }

        private string Attempt() => ParameterSetName switch
        {
            CloudSet => $"Connect-ComputeService -Cloud {Cloud}",
            CredentialSet => $"Connect-ComputeService -AuthUrl {AuthUrl}",
            TokenSet => $"Connect-ComputeService -Endpoint {Endpoint}",
            _ => "Connect-ComputeService (from the environment)",
        };

        private string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

        private Session.BackendLocator Locator()
            => new Session.BackendLocator(ComputeServiceCmdletBase.Session, CloudConfigEnvironment.FromProcess(CurrentDirectory), EngineLog);

        private NovaConnectionSettings BuildSettings()
        {
            NovaConnectionSettings settings;
            switch (ParameterSetName)
            {
                case CloudSet:
                    settings = Locator().LoadCloudSettings(Cloud!, out _);
                    break;
                case CredentialSet:
                    settings = new NovaConnectionSettings { AuthUrl = AuthUrl!.ToString(), ProjectName = ProjectName, ProjectId = ProjectId };
                    if (ApplicationCredential)
                    {
                        settings.AuthType = "v3applicationcredential";
                        settings.ApplicationCredentialId = Credential!.UserName;
                        settings.ApplicationCredentialSecret = Credential.GetNetworkCredential().Password;
                    }
                    else
                    {
                        settings.AuthType = "password";
                        settings.Username = Credential!.UserName;
                        settings.Password = Credential.GetNetworkCredential().Password;
                        settings.UserDomainName = UserDomainName ?? "Default";
                        settings.ProjectDomainName = ProjectDomainName ?? "Default";
                    }
                    break;
                case TokenSet:
                    settings = new NovaConnectionSettings
                    {
                        AuthType = "admin_token",
                        Endpoint = Endpoint,
                        Token = new NetworkCredential(string.Empty, Token).Password,
                    };
                    break;
                default:
                    settings = new CloudConfigLoader(CloudConfigEnvironment.FromProcess(CurrentDirectory)).LoadDefault()
                        ?? throw new ComputeServiceException(ErrorIds.CloudNotFound, FailureKind.NotFound,
                            "No cloud to connect to: OS_CLOUD is not set, no OS_* authentication variables are set, and clouds.yaml does not define exactly one cloud.")
                        {
                            RecommendedAction = "Use -Cloud <name>, -AuthUrl with -Credential, or -Endpoint with -Token; or set OS_CLOUD / OS_AUTH_URL and friends.",
                        };
                    break;
            }

            if (Region != null) settings.RegionName = Region;
            if (Interface != null) settings.Interface = Interface.ToLowerInvariant();
            if (ApiVersion != null) settings.ComputeApiVersion = ApiVersion;
            if (SkipCertificateCheck) settings.Insecure = true;
            if (CertificateAuthorityFile != null) settings.CaCertFile = GetUnresolvedProviderPathFromPSPath(CertificateAuthorityFile);
            if (TimeoutSec.HasValue) settings.TimeoutSec = TimeoutSec.Value;
            if (MaximumRetryCount.HasValue) settings.MaximumRetryCount = MaximumRetryCount.Value;
            if (MaximumResponseSizeMB.HasValue) settings.MaximumResponseSizeMB = MaximumResponseSizeMB.Value;
            if (Proxy != null) settings.Proxy = Proxy;
            if (ProxyCredential != null) settings.ProxyCredential = ProxyCredential.GetNetworkCredential();
            return settings;
        }
    }
}
