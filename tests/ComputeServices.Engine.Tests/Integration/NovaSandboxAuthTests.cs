using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Config;
using ComputeServices.Nova;
using Xunit;

namespace ComputeServices.Tests.Integration
{
    [Collection(SandboxCollection.Name)]
    public class NovaSandboxAuthTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        private static CloudConfigLoader Loader() => new CloudConfigLoader();

        [SandboxTheory(requiresKeystone: true)]
        [InlineData("sandbox-admin")]
        [InlineData("sandbox-appcred")]
        public async Task Authenticates_through_clouds_yaml(string cloud)
        {
            var settings = Loader().LoadCloud(cloud);
            var log = new CollectingLogForIntegration();
            using var connection = NovaConnection.Create(settings, log);
            await connection.ConnectAsync(None);
            Assert.NotNull(connection.TokenExpiresAt);
            Assert.Equal("RegionOne", connection.Region);
            Assert.StartsWith("http://127.0.0.1:", connection.Endpoint!.ToString());
            var list = await new NovaBackend(connection).ListAsync(new ServiceQuery("compute-free-02"), None);
            Assert.Single(list);
            var secrets = new[] { settings.Password, settings.ApplicationCredentialSecret }.Where(s => s != null);
            Assert.All(secrets, secret => Assert.DoesNotContain(secret!, log.All));
            Assert.Contains("POST ", log.All);
        }

        [SandboxFact(requiresKeystone: true)]
        public async Task Authenticates_through_OS_variables()
        {
            var admin = Loader().LoadCloud(Sandbox.AdminCloud);
            var env = new Dictionary<string, string?>
            {
                ["OS_AUTH_URL"] = admin.AuthUrl, ["OS_USERNAME"] = admin.Username, ["OS_PASSWORD"] = admin.Password,
                ["OS_PROJECT_NAME"] = admin.ProjectName, ["OS_USER_DOMAIN_NAME"] = admin.UserDomainName,
                ["OS_PROJECT_DOMAIN_NAME"] = admin.ProjectDomainName, ["OS_REGION_NAME"] = admin.RegionName,
                ["OS_COMPUTE_API_VERSION"] = "2.53",
            };
            var loader = new CloudConfigLoader(new CloudConfigEnvironment(n => env.TryGetValue(n, out var v) ? v : null, Path.GetTempPath(), "/nonexistent", ConfigPlatform.Linux));
            var settings = loader.LoadFromEnvironment()!;
            Assert.Equal("password", settings.EffectiveAuthType);
            using var connection = NovaConnection.Create(settings);
            await connection.ConnectAsync(None);
            Assert.Equal("2.53", connection.ApiVersion);
            Assert.NotEmpty(await new NovaBackend(connection).ListAsync(ServiceQuery.All, None));
        }

        [SandboxFact(requiresKeystone: true)]
        public async Task A_member_is_denied_by_policy()
        {
            using var connection = NovaConnection.Create(Loader().LoadCloud("sandbox-member"));
            await connection.ConnectAsync(None);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => new NovaBackend(connection).ListAsync(ServiceQuery.All, None));
            Assert.Equal(ErrorIds.PermissionDenied, ex.ErrorId);
            Assert.Equal(FailureKind.PermissionDenied, ex.Kind);
            Assert.Equal(403, ex.StatusCode);
            Assert.Equal("Policy doesn't allow os_compute_api:os-services:list to be performed.", ex.ServerMessage);
            Assert.Contains("admin", ex.RecommendedAction);
        }

        [SandboxFact(requiresKeystone: true)]
        public async Task A_wrong_password_fails_at_connect_without_echoing_it()
        {
            var settings = Loader().LoadCloud(Sandbox.AdminCloud);
            settings.Password = "wrong-password-4711";
            var log = new CollectingLogForIntegration();
            using var connection = NovaConnection.Create(settings, log);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => connection.ConnectAsync(None));
            Assert.Equal(ErrorIds.AuthenticationFailed, ex.ErrorId);
            Assert.Equal(401, ex.StatusCode);
            Assert.DoesNotContain("wrong-password-4711", ex.ToString());
            Assert.DoesNotContain("wrong-password-4711", log.All);
        }

        [SandboxFact(requiresKeystone: true)]
        public async Task A_pin_above_the_server_maximum_fails_at_connect()
        {
            var settings = Loader().LoadCloud(Sandbox.AdminCloud);
            settings.ComputeApiVersion = "2.999";
            using var connection = NovaConnection.Create(settings);
            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => connection.ConnectAsync(None));
            Assert.Equal(ErrorIds.ApiVersionNotSupported, ex.ErrorId);
        }

        [SandboxFact(requiresKeystone: true)]
        public async Task A_static_keystone_token_with_an_endpoint_skips_keystone()
        {
            using var admin = NovaConnection.Create(Loader().LoadCloud(Sandbox.AdminCloud));
            await admin.ConnectAsync(None);
            var value = admin.CurrentToken!;
            using var direct = NovaConnection.Create(new NovaConnectionSettings { Endpoint = admin.Endpoint, Token = value });
            Assert.Single(await new NovaBackend(direct).ListAsync(new ServiceQuery("compute-free-02"), None));
            Assert.Null(direct.AuthUrl);
        }
    }

    internal sealed class CollectingLogForIntegration : IOperationLog
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();
        public void Verbose(string message) => _lines.Enqueue(message);
        public void Debug(string message) => _lines.Enqueue(message);
        public void Warning(string message) => _lines.Enqueue(message);
        public bool IsDebugEnabled => true;
        public string All => string.Join("\n", _lines);
    }
}
