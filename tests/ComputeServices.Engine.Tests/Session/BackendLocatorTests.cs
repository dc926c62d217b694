using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ComputeServices.Config;
using ComputeServices.Inventory;
using ComputeServices.Nova;
using ComputeServices.Session;
using ComputeServices.Tests.Inventory;
using Xunit;

namespace ComputeServices.Tests.Session
{
    /// <summary>The precedence chain, fail-closed connects and identity-keyed connection reuse, without PowerShell.</summary>
    public sealed class BackendLocatorTests : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "cs-locator-" + Guid.NewGuid().ToString("N"));
        private readonly Dictionary<string, string> _env = new();
        private readonly SessionContext _session = new();
        private readonly List<string> _warnings = new();

        public BackendLocatorTests()
        {
            Directory.CreateDirectory(Path.Combine(_root, "cwd"));
            Directory.CreateDirectory(Path.Combine(_root, "home"));
            _env["XDG_CONFIG_HOME"] = Path.Combine(_root, "home", ".config");
            _env["XDG_CONFIG_DIRS"] = Path.Combine(_root, "etc-xdg");
            _env["XDG_DATA_HOME"] = Path.Combine(_root, "home", "data");
        }

        public void Dispose()
        {
            _session.Clear();
            Directory.Delete(_root, true);
        }

        private sealed class ListLog : IOperationLog
        {
            private readonly List<string> _warnings;
            public ListLog(List<string> warnings) => _warnings = warnings;
            public bool IsDebugEnabled => false;
            public void Verbose(string message) { }
            public void Debug(string message) { }
            public void Warning(string message) => _warnings.Add(message);
        }

        private string Cwd => Path.Combine(_root, "cwd");

        private BackendLocator Locator()
            => new BackendLocator(_session, new CloudConfigEnvironment(n => _env.TryGetValue(n, out var v) ? v : null, Cwd,
                Path.Combine(_root, "home"), ConfigPlatform.Linux), new ListLog(_warnings));

        private string Inventory(string relative)
        {
            var path = Path.Combine(_root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            new InventoryFile(path).Create(SampleInventory.Create(TempInventory.Now), overwrite: false);
            return path;
        }

        private string Clouds(string relative, string user = "admin", string project = "admin")
        {
            var path = Path.Combine(_root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, $"clouds:\n  prod:\n    auth:\n      auth_url: http://127.0.0.1:1/v3\n      username: {user}\n      password: pw\n      project_name: {project}\n");
            return path;
        }

        private static NovaConnection Connection() => NovaConnection.Create(new NovaConnectionSettings { AuthUrl = "http://127.0.0.1:1/v3", Username = "u", Password = "p" });

        [Fact]
        public void AnExplicitInventoryWinsOverTheCurrentConnection()
        {
            var path = Inventory("a.json");
            _session.Connected(Connection());
            var choice = Locator().Locate(new BackendRequest { InventoryPath = path });
            Assert.IsType<InventoryBackend>(choice.Backend);
            Assert.True(choice.IsExplicit);
        }

        [Fact]
        public void TheCurrentConnectionBeatsTheInventoryVariableAndSaysSoOnce()
        {
            _env[BackendLocator.InventoryVariable] = Inventory("env.json");
            _session.Connected(Connection());
            Assert.IsType<NovaBackend>(Locator().Locate(new BackendRequest()).Backend);
            Assert.IsType<NovaBackend>(Locator().Locate(new BackendRequest()).Backend);
            Assert.Single(_warnings, w => w.Contains("is ignored while connected"));
        }

        [Fact]
        public void AFailedConnectStopsEverythingButExplicitChoices()
        {
            _env[BackendLocator.InventoryVariable] = Inventory("env.json");
            _env["OS_AUTH_URL"] = "http://127.0.0.1:1/v3";
            _session.Connected(Connection());
            _session.ConnectFailed("Connect-ComputeService -Cloud prod", "HTTP 401");

            var ex = Assert.Throws<ComputeServiceException>(() => Locator().Locate(new BackendRequest()));
            Assert.Equal(ErrorIds.NotConnected, ex.ErrorId);
            Assert.Contains("-Cloud prod", ex.Message);
            Assert.IsType<InventoryBackend>(Locator().Locate(new BackendRequest { InventoryPath = _env[BackendLocator.InventoryVariable] }).Backend);

            _session.Clear();
            Assert.IsType<InventoryBackend>(Locator().Locate(new BackendRequest()).Backend);
        }

        [Fact]
        public void ARelativeInventoryVariableResolvesAgainstTheCallersDirectory()
        {
            var path = Inventory(Path.Combine("cwd", "lab.json"));
            _env[BackendLocator.InventoryVariable] = "lab.json";
            Assert.Equal(path, Locator().Locate(new BackendRequest()).Backend.Description);
        }

        [Fact]
        public void OsCloudWinsOverOsVariablesAndSaysSo()
        {
            _env["OS_CLIENT_CONFIG_FILE"] = Clouds("conf/clouds.yaml");
            _env["OS_CLOUD"] = "prod";
            _env["OS_AUTH_URL"] = "http://127.0.0.1:2/v3";
            _env["OS_USERNAME"] = "other";
            var backend = Assert.IsType<NovaBackend>(Locator().Locate(new BackendRequest()).Backend);
            Assert.Equal("prod", backend.Connection.CloudName);
            Assert.Equal("http://127.0.0.1:1/v3", backend.Connection.AuthUrl);
            Assert.Contains(_warnings, w => w.Contains("OS_CLOUD 'prod'") && w.Contains("ignored"));
        }

        [Theory]
        [InlineData("OS_USERNAME", "operator")]
        [InlineData("OS_PASSWORD", "other-secret")]
        [InlineData("OS_PROJECT_NAME", "demo")]
        [InlineData("OS_TOKEN", "a-token")]
        [InlineData("OS_REGION_NAME", "RegionTwo")]
        public void ChangingAnIdentityVariableMakesANewConnection(string variable, string value)
        {
            _env["OS_AUTH_URL"] = "http://127.0.0.1:1/v3";
            _env["OS_USERNAME"] = "admin";
            _env["OS_PASSWORD"] = "admin-secret";
            _env["OS_PROJECT_NAME"] = "admin";
            var first = ((NovaBackend)Locator().Locate(new BackendRequest()).Backend).Connection;
            Assert.Same(first, ((NovaBackend)Locator().Locate(new BackendRequest()).Backend).Connection);
            _env[variable] = value;
            Assert.NotSame(first, ((NovaBackend)Locator().Locate(new BackendRequest()).Backend).Connection);
        }

        [Fact]
        public void RewritingCloudsYamlMakesANewConnection()
        {
            var file = Clouds("conf/clouds.yaml");
            _env["OS_CLIENT_CONFIG_FILE"] = file;
            var first = ((NovaBackend)Locator().Locate(new BackendRequest { CloudName = "prod" }).Backend).Connection;
            Assert.Same(first, ((NovaBackend)Locator().Locate(new BackendRequest { CloudName = "prod" }).Backend).Connection);
            Clouds("conf/clouds.yaml", user: "operator", project: "demo");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
            var second = ((NovaBackend)Locator().Locate(new BackendRequest { CloudName = "prod" }).Backend).Connection;
            Assert.NotSame(first, second);
            Assert.Equal("operator", second.UserName);
        }

        [Fact]
        public void CloudsYamlInTheCurrentDirectoryIsUsedAndNamedOnce()
        {
            Clouds(Path.Combine("home", ".config", "openstack", "clouds.yaml"), user: "mine");
            var local = Clouds(Path.Combine("cwd", "clouds.yaml"), user: "theirs");
            var backend = (NovaBackend)Locator().Locate(new BackendRequest { CloudName = "prod" }).Backend;
            Locator().Locate(new BackendRequest { CloudName = "prod" });
            Assert.Equal("theirs", backend.Connection.UserName);
            var warning = Assert.Single(_warnings);
            Assert.Contains(local, warning);
            Assert.Contains("shadows", warning);
        }

        [Fact]
        public void NothingConfiguredNamesBothWaysInAndTheClouds()
        {
            _env["OS_CLIENT_CONFIG_FILE"] = Clouds("conf/clouds.yaml");
            var ex = Assert.Throws<ComputeServiceException>(() => Locator().Locate(new BackendRequest()));
            Assert.Equal(ErrorIds.NotConnected, ex.ErrorId);
            Assert.Contains("prod", ex.Message);
            Assert.Contains("Connect-ComputeService -Cloud", ex.RecommendedAction);
            Assert.Contains("New-ComputeServiceInventory", ex.RecommendedAction);
        }

        [Fact]
        public void TheExistingPerUserInventoryIsTheLastResort()
        {
            var path = Inventory(Path.Combine("home", "data", "ComputeServices", "inventory.json"));
            Assert.Equal(path, Locator().Locate(new BackendRequest()).Backend.Description);
        }

        [Fact]
        public async Task AnInventorySourceIsFoundAgainAndAMissingOneIsNot()
        {
            var path = Inventory("a.json");
            var found = await Locator().ForSourceAsync(ServiceSource.Parse(path, Cwd)!, default);
            Assert.Equal(path, found!.Description);
            Assert.Null(await Locator().ForSourceAsync(ServiceSource.Parse(Path.Combine(_root, "gone.json"), Cwd)!, default));
        }

        [Fact]
        public async Task ACloudSourceThisSessionIsNotConnectedToIsNotFound()
        {
            var source = ServiceSource.Parse("prod (https://nova.example.com:8774/v2.1, project admin)", Cwd)!;
            Assert.Null(await Locator().ForSourceAsync(source, default));
        }
    }
}
