using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ComputeServices.Nova;
using YamlDotNet.Core;

namespace ComputeServices.Config
{
    /// <summary>
    /// Reads connection settings the way openstacksdk does (openstack/config/loader.py in openstacksdk: the search path, secure.yaml, the envvars cloud).
    /// <list type="bullet">
    /// <item>clouds.yaml: <c>OS_CLIENT_CONFIG_FILE</c>, then the current directory, the user config dir, <c>~/.config/openstack</c>,
    /// the site config dir and <c>/etc/openstack</c>; <c>clouds.yaml|yml|json</c> in each; the first file found wins.
    /// secure.yaml (same search, <c>OS_CLIENT_SECURE_FILE</c>) is deep-merged over it.</item>
    /// <item>A named cloud (<see cref="LoadCloud"/>) comes from the files only: <c>OS_*</c> variables are not applied over it,
    /// so a cloud means the same thing in every shell.</item>
    /// <item><see cref="LoadFromEnvironment"/> builds openstacksdk's implicit <c>envvars</c> cloud from <c>OS_*</c> alone.</item>
    /// <item><see cref="LoadDefault"/>: <c>OS_CLOUD</c> if set, else the <c>envvars</c> cloud, else the only cloud of the file.</item>
    /// </list>
    /// When no auth_type is given: a password and an application credential together → password, as openstacksdk decides
    /// (with a warning naming the ignored one); an application credential alone → v3applicationcredential; a token alone
    /// → token (admin_token with an endpoint and no auth URL); otherwise password.
    /// </summary>
    public sealed class CloudConfigLoader
    {
        public const string EnvVarsCloudName = "envvars";

        private static readonly string[] EnvironmentKeys =
        {
            "AUTH_URL", "AUTH_TYPE", "USERNAME", "USER_ID", "PASSWORD", "PROJECT_NAME", "PROJECT_ID", "TENANT_NAME", "TENANT_ID",
            "USER_DOMAIN_NAME", "USER_DOMAIN_ID", "PROJECT_DOMAIN_NAME", "PROJECT_DOMAIN_ID", "DOMAIN_NAME", "DOMAIN_ID", "DEFAULT_DOMAIN",
            "SYSTEM_SCOPE", "APPLICATION_CREDENTIAL_ID", "APPLICATION_CREDENTIAL_NAME", "APPLICATION_CREDENTIAL_SECRET", "TOKEN", "AUTH_TOKEN",
            "ENDPOINT", "REGION_NAME", "INTERFACE", "ENDPOINT_TYPE", "COMPUTE_API_VERSION", "CACERT", "INSECURE", "VERIFY", "API_TIMEOUT",
            "COMPUTE_ENDPOINT_OVERRIDE",
        };

        /// <summary>Variables whose presence makes an <c>envvars</c> cloud (selectors such as OS_CLOUD or OS_REGION_NAME do not).</summary>
        private static readonly string[] AuthEnvironmentKeys =
        {
            "AUTH_URL", "TOKEN", "AUTH_TOKEN", "ENDPOINT", "USERNAME", "USER_ID", "PASSWORD",
            "APPLICATION_CREDENTIAL_ID", "APPLICATION_CREDENTIAL_NAME", "APPLICATION_CREDENTIAL_SECRET",
        };

        public CloudConfigLoader() : this(CloudConfigEnvironment.FromProcess())
        {
        }

        public CloudConfigLoader(CloudConfigEnvironment environment)
        {
            Environment = environment ?? throw new ArgumentNullException(nameof(environment));
        }

        public CloudConfigEnvironment Environment { get; }

        /// <summary>Every clouds.yaml path tried, in order.</summary>
        public IReadOnlyList<string> SearchedFiles => CloudConfigPaths.Candidates(Environment, "OS_CLIENT_CONFIG_FILE", CloudConfigPaths.CloudFileNames);

        /// <summary>The clouds file that is used (the first found), or null.</summary>
        public string? ConfigFile => CloudConfigPaths.FirstExisting(SearchedFiles);

        /// <summary>The secure file merged over it, or null.</summary>
        public string? SecureFile => CloudConfigPaths.FirstExisting(CloudConfigPaths.Candidates(Environment, "OS_CLIENT_SECURE_FILE", CloudConfigPaths.SecureFileNames));

        /// <summary>The named cloud of clouds.yaml (merged with secure.yaml). Throws CloudNotFound or CloudConfigInvalid.</summary>
        public NovaConnectionSettings LoadCloud(string cloudName)
        {
            if (string.IsNullOrWhiteSpace(cloudName)) throw new ArgumentException("A cloud name must not be empty.", nameof(cloudName));
            var file = ConfigFile;
            var clouds = file == null ? new Dictionary<string, object?>() : Clouds(file, throwOnError: true);
            if (clouds.TryGetValue(cloudName, out var cloud) && cloud is Dictionary<string, object?> map)
                return CloudSettingsMapper.ToSettings(map, cloudName, Environment);
            if (cloudName == EnvVarsName)
            {
                var fromEnv = LoadFromEnvironment();
                if (fromEnv != null) return fromEnv;
            }

            var message = file == null
                ? $"Cloud '{cloudName}' was not found: no clouds.yaml exists. Searched: {string.Join(", ", SearchedFiles)}."
                : $"Cloud '{cloudName}' was not found in {file}" + (SecureFile == null ? "" : $" (with {SecureFile})") +
                  (clouds.Count == 0 ? "; it defines no clouds." : $"; it defines: {string.Join(", ", clouds.Keys.OrderBy(k => k, StringComparer.Ordinal))}.");
            throw new ComputeServiceException(ErrorIds.CloudNotFound, FailureKind.NotFound, message)
            {
                Target = cloudName,
                RecommendedAction = "Check the cloud name (it is case-sensitive), or point OS_CLIENT_CONFIG_FILE at the clouds.yaml that defines it.",
            };
        }

        /// <summary>The implicit <c>envvars</c> cloud from <c>OS_*</c> variables; null when none of them carries auth.</summary>
        public NovaConnectionSettings? LoadFromEnvironment()
        {
            if (!AuthEnvironmentKeys.Any(k => Environment.Get("OS_" + k) != null)) return null;
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var key in EnvironmentKeys)
            {
                var value = Environment.Get("OS_" + key);
                if (value != null) map[key.ToLowerInvariant()] = value;
            }
            return CloudSettingsMapper.ToSettings(map, EnvVarsName, Environment, fromEnvironment: true);
        }

        /// <summary>OS_CLOUD if set, else the envvars cloud, else the only cloud of clouds.yaml; null if none applies.</summary>
        public NovaConnectionSettings? LoadDefault()
        {
            var named = Environment.Get("OS_CLOUD");
            if (named != null) return LoadCloud(named);
            var fromEnv = LoadFromEnvironment();
            if (fromEnv != null) return fromEnv;
            var file = ConfigFile;
            if (file == null) return null;
            var clouds = Clouds(file, throwOnError: true);
            if (clouds.Count == 1 && clouds.First().Value is Dictionary<string, object?> only)
                return CloudSettingsMapper.ToSettings(only, clouds.First().Key, Environment);
            return null;
        }

        /// <summary>The cloud names of clouds.yaml (and secure.yaml), sorted. Never touches the network, never throws.</summary>
        public IReadOnlyList<string> ListCloudNames()
        {
            try
            {
                var file = ConfigFile;
                if (file == null) return Array.Empty<string>();
                return Clouds(file, throwOnError: false).Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                return Array.Empty<string>();
            }
        }

        private string EnvVarsName => Environment.Get("OS_CLOUD_NAME") ?? EnvVarsCloudName;

        private Dictionary<string, object?> Clouds(string file, bool throwOnError)
        {
            var document = ReadDocument(file, throwOnError) ?? new Dictionary<string, object?>();
            var secureFile = SecureFile;
            if (secureFile != null)
            {
                var secure = ReadDocument(secureFile, throwOnError);
                if (secure != null) document = DeepMerge(document, secure);
            }
            return document.TryGetValue("clouds", out var clouds) && clouds is Dictionary<string, object?> map
                ? map
                : new Dictionary<string, object?>();
        }

        internal static Dictionary<string, object?>? ReadDocument(string path, bool throwOnError)
        {
            try
            {
                return BoundedYamlReader.ReadFile(path);
            }
            catch (ComputeServiceException) when (!throwOnError)
            {
                return null;
            }
            catch (YamlException ex) when (throwOnError)
            {
                var reason = ex.InnerException?.Message ?? ex.Message;
                throw new ComputeServiceException(ErrorIds.CloudConfigInvalid, FailureKind.InvalidData,
                    $"The cloud configuration file '{path}' is not valid YAML or JSON (line {ex.Start.Line}, column {ex.Start.Column}): {reason}", ex)
                {
                    Target = path,
                    RecommendedAction = $"Fix line {ex.Start.Line} of {path} (YAML is indentation-sensitive; tabs are not allowed).",
                };
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                if (!throwOnError) return null;
                throw new ComputeServiceException(ErrorIds.CloudConfigInvalid, FailureKind.InvalidData,
                    $"Cannot read the cloud configuration file '{path}': {ex.Message}", ex) { Target = path };
            }
            catch (YamlException)
            {
                return null;
            }
        }

        internal static Dictionary<string, object?> DeepMerge(Dictionary<string, object?> baseMap, Dictionary<string, object?> over)
        {
            var result = new Dictionary<string, object?>(baseMap, StringComparer.Ordinal);
            foreach (var pair in over)
            {
                if (pair.Value is Dictionary<string, object?> overMap && result.TryGetValue(pair.Key, out var existing) && existing is Dictionary<string, object?> baseChild)
                    result[pair.Key] = DeepMerge(baseChild, overMap);
                else
                    result[pair.Key] = pair.Value;
            }
            return result;
        }
    }
}
