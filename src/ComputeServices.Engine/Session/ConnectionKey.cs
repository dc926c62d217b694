using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using ComputeServices.Nova;

namespace ComputeServices.Session
{
    /// <summary>
    /// What makes two connection settings the same connection: everything that decides the user, the project (or scope),
    /// the place (auth URL, endpoint, region, interface) and the trust (CA file, certificate checks), plus a hash of the
    /// secret, and for clouds.yaml the files it came from and when they were last written. Secrets never appear in it.
    /// </summary>
    public static class ConnectionKey
    {
        public static string For(NovaConnectionSettings settings, params string?[] sourceFiles)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            var parts = new List<string>
            {
                "auth_url=" + settings.AuthUrl,
                "endpoint=" + settings.Endpoint,
                "region=" + settings.RegionName,
                "interface=" + settings.Interface,
                "auth_type=" + settings.EffectiveAuthType,
                "user=" + settings.Username + "|" + settings.UserId + "|" + settings.UserDomainName + "|" + settings.UserDomainId,
                "project=" + settings.ProjectName + "|" + settings.ProjectId + "|" + settings.ProjectDomainName + "|" + settings.ProjectDomainId,
                "domain=" + settings.DomainName + "|" + settings.DomainId,
                "system=" + settings.SystemScope,
                "appcred=" + settings.ApplicationCredentialId + "|" + settings.ApplicationCredentialName,
                "secret=" + Hash(settings.Password + "\0" + settings.ApplicationCredentialSecret + "\0" + settings.Token),
                "cacert=" + settings.CaCertFile + "|" + Stamp(settings.CaCertFile),
                "insecure=" + settings.Insecure,
                "version=" + settings.ComputeApiVersion,
                "proxy=" + settings.Proxy + "|" + settings.ProxyCredential?.UserName + "|" + Hash(settings.ProxyCredential?.Password),
                "timeout=" + settings.TimeoutSec + "|" + settings.MaximumRetryCount,
            };
            foreach (var file in sourceFiles)
                if (!string.IsNullOrEmpty(file)) parts.Add("file=" + file + "|" + Stamp(file));
            return string.Join("\n", parts);
        }

        /// <summary>The file's last write time and length, so an edited clouds.yaml or secure.yaml makes a new connection.</summary>
        private static string Stamp(string? path)
        {
            if (string.IsNullOrEmpty(path)) return "";
            try
            {
                var info = new FileInfo(path);
                return info.Exists ? info.LastWriteTimeUtc.Ticks + ":" + info.Length : "absent";
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                return "unreadable";
            }
        }

        private static string Hash(string? value)
        {
            if (string.IsNullOrEmpty(value)) return "";
            using var sha = SHA256.Create();
            var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes(value));
            return BitConverter.ToString(bytes, 0, 16).Replace("-", "");
        }
    }
}
