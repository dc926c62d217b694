using System;
using System.Collections.Generic;
using System.IO;
using ComputeServices.Config;
using Xunit;

namespace ComputeServices.Tests.Nova
{
    public sealed class CloudConfigLoaderTests : IDisposable
    {
        private readonly CloudConfigFolder _folder = new CloudConfigFolder("cs-config-");

        public void Dispose() => _folder.Dispose();

        private CloudConfigLoader Loader() => _folder.Loader();

        private string Write(string relative, string text) => _folder.Write(relative, text);

        private const string Clouds = @"
clouds:
  prod:
    auth_type: password
    auth:
      auth_url: https://keystone.example.com:5000/v3
      username: admin
      tenant_name: admin
      user-domain-name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: internal
    compute_api_version: '2.53'
    cacert: /etc/ssl/ca.pem
    api_timeout: 12.5
  lab:
    auth:
      auth_url: http://lab:5000
      application_credential_id: abc
      application_credential_secret: s
    verify: false
";

        [Fact]
        public void Reads_a_cloud_with_aliases_and_merges_secure_yaml()
        {
            Write("cwd/clouds.yaml", Clouds);
            Write("home/.config/openstack/secure.yaml", "clouds:\n  prod:\n    auth:\n      password: from-secure\n");
            var s = Loader().LoadCloud("prod");
            Assert.Equal("prod", s.CloudName);
            Assert.Equal("https://keystone.example.com:5000/v3", s.AuthUrl);
            Assert.Equal("admin", s.Username);
            Assert.Equal("admin", s.ProjectName);           // tenant_name
            Assert.Equal("Default", s.UserDomainName);      // user-domain-name
            Assert.Equal("from-secure", s.Password);
            Assert.Equal("RegionOne", s.RegionName);
            Assert.Equal("internal", s.Interface);
            Assert.Equal("2.53", s.ComputeApiVersion);
            Assert.Equal("/etc/ssl/ca.pem", s.CaCertFile);
            Assert.False(s.Insecure);
            Assert.Equal(13, s.TimeoutSec);
            Assert.Equal("password", s.EffectiveAuthType);

            var lab = Loader().LoadCloud("lab");
            Assert.Equal("v3applicationcredential", lab.EffectiveAuthType);
            Assert.True(lab.Insecure);
            Assert.Equal(new[] { "lab", "prod" }, Loader().ListCloudNames());
        }

        [Fact]
        public void The_first_file_found_wins_and_OS_CLIENT_CONFIG_FILE_comes_first()
        {
            Write("etc-xdg/openstack/clouds.yaml", "clouds: {site: {auth: {auth_url: http://site}}}");
            Assert.Equal(new[] { "site" }, Loader().ListCloudNames());
            Write("home/.config/openstack/clouds.yml", "clouds: {user: {auth: {auth_url: http://user}}}");
            Assert.Equal(new[] { "user" }, Loader().ListCloudNames());
            Write("cwd/clouds.json", "{\"clouds\": {\"cwd\": {\"auth\": {\"auth_url\": \"http://cwd\"}}}}");
            Assert.Equal(new[] { "cwd" }, Loader().ListCloudNames());
            Assert.Equal("http://cwd", Loader().LoadCloud("cwd").AuthUrl);
            _folder.Env["OS_CLIENT_CONFIG_FILE"] = Write("elsewhere/my.yaml", "clouds: {explicit: {auth: {auth_url: http://x}}}");
            Assert.Equal(new[] { "explicit" }, Loader().ListCloudNames());
        }

        [Fact]
        public void An_unknown_cloud_names_the_file_and_the_clouds_it_has()
        {
            var path = Write("cwd/clouds.yaml", Clouds);
            var ex = Assert.Throws<ComputeServiceException>(() => Loader().LoadCloud("nope"));
            Assert.Equal(ErrorIds.CloudNotFound, ex.ErrorId);
            Assert.Equal(FailureKind.NotFound, ex.Kind);
            Assert.Contains("'nope'", ex.Message);
            Assert.Contains(path, ex.Message);
            Assert.Contains("lab, prod", ex.Message);
        }

        [Fact]
        public void No_file_at_all_lists_the_searched_paths()
        {
            var ex = Assert.Throws<ComputeServiceException>(() => Loader().LoadCloud("x"));
            Assert.Equal(ErrorIds.CloudNotFound, ex.ErrorId);
            Assert.Contains(Path.Combine(_folder.Root, "cwd", "clouds.yaml"), ex.Message);
            Assert.Contains("/etc/openstack", ex.Message);
            Assert.Empty(Loader().ListCloudNames());
        }

        [Fact]
        public void Bad_yaml_names_the_file_and_line_and_ListCloudNames_does_not_throw()
        {
            var path = Write("cwd/clouds.yaml", "clouds:\n  prod:\n    auth: {auth_url: http://x\n  bad: [\n");
            var ex = Assert.Throws<ComputeServiceException>(() => Loader().LoadCloud("prod"));
            Assert.Equal(ErrorIds.CloudConfigInvalid, ex.ErrorId);
            Assert.Equal(FailureKind.InvalidData, ex.Kind);
            Assert.Contains(path, ex.Message);
            Assert.Matches(@"line \d+", ex.Message);
            Assert.Empty(Loader().ListCloudNames());
        }

        [Fact]
        public void Environment_variables_make_the_envvars_cloud_with_inferred_auth_type()
        {
            Assert.Null(Loader().LoadFromEnvironment());
            _folder.Env["OS_REGION_NAME"] = "RegionOne"; // a selector alone is not a cloud
            Assert.Null(Loader().LoadFromEnvironment());

            _folder.Env["OS_AUTH_URL"] = "http://k:5000/v3";
            _folder.Env["OS_USERNAME"] = "admin";
            _folder.Env["OS_PASSWORD"] = "pw";
            _folder.Env["OS_TENANT_NAME"] = "admin";
            _folder.Env["OS_USER_DOMAIN_NAME"] = "Default";
            _folder.Env["OS_ENDPOINT_TYPE"] = "internalURL";
            _folder.Env["OS_COMPUTE_API_VERSION"] = "2.latest";
            _folder.Env["OS_CACERT"] = "/ca.pem";
            var s = Loader().LoadFromEnvironment()!;
            Assert.Equal("envvars", s.CloudName);
            Assert.Equal("password", s.EffectiveAuthType);
            Assert.Equal("admin", s.ProjectName);
            Assert.Equal("RegionOne", s.RegionName);
            Assert.Equal("internalURL", s.Interface);
            Assert.Equal("2.latest", s.ComputeApiVersion);
            Assert.Equal("/ca.pem", s.CaCertFile);

            Assert.Null(s.AuthChoiceWarning);
            _folder.Env["OS_AUTH_TYPE"] = "v3password";
            Assert.Equal("v3password", Loader().LoadFromEnvironment()!.EffectiveAuthType);
        }

        [Fact]
        public void An_application_credential_alone_in_OS_variables_is_used_without_a_warning()
        {
            _folder.Env["OS_AUTH_URL"] = "https://keystone.example.com:5000/v3";
            _folder.Env["OS_APPLICATION_CREDENTIAL_ID"] = "id1";
            _folder.Env["OS_APPLICATION_CREDENTIAL_SECRET"] = "sec";
            var s = Loader().LoadFromEnvironment()!;
            Assert.Equal("v3applicationcredential", s.EffectiveAuthType);
            Assert.Null(s.AuthChoiceWarning);
        }

        [Fact]
        public void A_password_and_an_application_credential_in_OS_variables_use_the_password_as_openstacksdk_does_and_say_so()
        {
            _folder.Env["OS_AUTH_URL"] = "https://keystone.example.com:5000/v3";
            _folder.Env["OS_USERNAME"] = "admin";
            _folder.Env["OS_PASSWORD"] = "pw-secret";
            _folder.Env["OS_APPLICATION_CREDENTIAL_ID"] = "id1";
            _folder.Env["OS_APPLICATION_CREDENTIAL_SECRET"] = "sec-secret";
            var s = Loader().LoadFromEnvironment()!;
            Assert.Equal("password", s.EffectiveAuthType);
            Assert.Contains("OS_PASSWORD", s.AuthChoiceWarning);
            Assert.Contains("OS_APPLICATION_CREDENTIAL_ID, OS_APPLICATION_CREDENTIAL_SECRET", s.AuthChoiceWarning);
            Assert.Contains("connecting with the password of user admin, the application credential is ignored", s.AuthChoiceWarning);
            Assert.Contains("OS_AUTH_TYPE is not set", s.AuthChoiceWarning);
            Assert.DoesNotContain("pw-secret", s.AuthChoiceWarning);
            Assert.DoesNotContain("sec-secret", s.AuthChoiceWarning);

            _folder.Env["OS_AUTH_TYPE"] = "v3applicationcredential";
            s = Loader().LoadFromEnvironment()!;
            Assert.Equal("v3applicationcredential", s.EffectiveAuthType);
            Assert.Contains("OS_AUTH_TYPE is v3applicationcredential: connecting with the application credential id1, the password is ignored", s.AuthChoiceWarning);
        }

        [Fact]
        public void A_password_and_an_application_credential_in_clouds_yaml_name_the_cloud_and_its_keys()
        {
            _folder.Env["OS_CLIENT_CONFIG_FILE"] = Write("clouds.yaml", @"
clouds:
  both:
    auth:
      auth_url: https://keystone.example.com:5000/v3
      username: admin
      password: pw
      application_credential_id: abc
      application_credential_secret: s
");
            var s = Loader().LoadCloud("both");
            Assert.Equal("password", s.EffectiveAuthType);
            Assert.Contains("cloud 'both'", s.AuthChoiceWarning);
            Assert.Contains("a password (password) and an application credential (application_credential_id, application_credential_secret)", s.AuthChoiceWarning);
            Assert.Contains("auth_type is not set", s.AuthChoiceWarning);
        }

        [Fact]
        public void A_token_and_endpoint_alone_are_admin_token_and_OS_INSECURE_is_honoured()
        {
            _folder.Env["OS_TOKEN"] = "admin:admin";
            _folder.Env["OS_ENDPOINT"] = "http://127.0.0.1:18774/v2.1";
            _folder.Env["OS_INSECURE"] = "true";
            var s = Loader().LoadFromEnvironment()!;
            Assert.Equal("admin_token", s.EffectiveAuthType);
            Assert.True(s.UsesStaticToken);
            Assert.Equal(new Uri("http://127.0.0.1:18774/v2.1"), s.Endpoint);
            Assert.True(s.Insecure);
        }

        [Fact]
        public void LoadDefault_prefers_OS_CLOUD_then_env_then_the_only_cloud()
        {
            Write("cwd/clouds.yaml", "clouds: {only: {auth: {auth_url: http://only, username: u}}}");
            Assert.Equal("only", Loader().LoadDefault()!.CloudName);
            _folder.Env["OS_AUTH_URL"] = "http://env";
            Assert.Equal("envvars", Loader().LoadDefault()!.CloudName);
            _folder.Env["OS_CLOUD"] = "only";
            Assert.Equal("http://only", Loader().LoadDefault()!.AuthUrl);
            _folder.Env["OS_CLOUD"] = "missing";
            Assert.Throws<ComputeServiceException>(() => Loader().LoadDefault());
        }

        [Fact]
        public void LoadDefault_is_null_with_several_clouds_and_no_selection()
        {
            Write("cwd/clouds.yaml", Clouds);
            Assert.Null(Loader().LoadDefault());
        }

        [Fact]
        public void Windows_and_macOS_search_their_own_config_dirs()
        {
            var win = new CloudConfigLoader(new CloudConfigEnvironment(n => n == "LOCALAPPDATA" ? @"C:\Users\u\AppData\Local" : n == "ProgramData" ? @"C:\ProgramData" : null,
                @"C:\work", @"C:\Users\u", ConfigPlatform.Windows));
            Assert.Contains(win.SearchedFiles, f => f.Replace('\\', '/').EndsWith("AppData/Local/OpenStack/openstack/clouds.yaml"));
            Assert.Contains(win.SearchedFiles, f => f.Replace('\\', '/').EndsWith("ProgramData/OpenStack/openstack/clouds.yaml"));
            var mac = new CloudConfigLoader(new CloudConfigEnvironment(_ => null, "/w", "/Users/u", ConfigPlatform.MacOS));
            Assert.Contains("/Users/u/Library/Application Support/openstack/clouds.yaml", mac.SearchedFiles);
            Assert.Equal("/w/clouds.yaml", mac.SearchedFiles[0]);
            Assert.Equal("/etc/openstack/clouds.json", mac.SearchedFiles[^1]);
        }
    }
}
