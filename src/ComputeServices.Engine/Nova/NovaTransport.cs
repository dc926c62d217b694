using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ComputeServices.Nova
{
    /// <summary>Builds the one HttpClientHandler of a connection: TLS verification, CA bundle, proxy.</summary>
    internal static class NovaTransport
    {
        public static string DefaultUserAgent { get; } = "ComputeServices/" + AssemblyVersion();

        public static HttpClientHandler CreateHandler(NovaConnectionSettings settings)
        {
            var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            };
            if (settings.Proxy != null)
            {
                handler.UseProxy = true;
                handler.Proxy = new WebProxy(settings.Proxy) { Credentials = settings.ProxyCredential };
            }
            if (settings.Insecure)
            {
                handler.ServerCertificateCustomValidationCallback = (_, _, _, _) => true;
            }
            else if (!string.IsNullOrWhiteSpace(settings.CaCertFile))
            {
                var bundle = LoadBundle(settings.CaCertFile!);
                handler.ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
                    certificate != null && ValidateAgainstBundle(certificate, errors, bundle);
            }
            return handler;
        }

        /// <summary>Reads every certificate of a PEM bundle (or one DER certificate).</summary>
        public static X509Certificate2Collection LoadBundle(string path)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new ComputeServiceException(ErrorIds.CloudConfigInvalid, FailureKind.InvalidArgument,
                    $"Cannot read the CA bundle '{path}': {ex.Message}", ex) { Target = path };
            }
            var collection = new X509Certificate2Collection();
            var text = Encoding.ASCII.GetString(bytes);
            const string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
            var at = text.IndexOf(begin, StringComparison.Ordinal);
            try
            {
                while (at >= 0)
                {
                    var stop = text.IndexOf(end, at, StringComparison.Ordinal);
                    if (stop < 0) break;
                    var base64 = text.Substring(at + begin.Length, stop - at - begin.Length);
                    collection.Add(new X509Certificate2(Convert.FromBase64String(new string(base64.Where(c => !char.IsWhiteSpace(c)).ToArray()))));
                    at = text.IndexOf(begin, stop, StringComparison.Ordinal);
                }
                if (collection.Count == 0) collection.Add(new X509Certificate2(bytes));
            }
            catch (Exception ex) when (ex is FormatException || ex is System.Security.Cryptography.CryptographicException)
            {
                throw new ComputeServiceException(ErrorIds.CloudConfigInvalid, FailureKind.InvalidData,
                    $"The CA bundle '{path}' holds no readable certificate: {ex.Message}", ex) { Target = path };
            }
            return collection;
        }

        /// <summary>
        /// netstandard2.0 has no CustomTrustStore, so the chain is built with the bundle as extra store and an
        /// unknown root allowed, and then its root must be one of the bundle's certificates. Name mismatches always fail.
        /// </summary>
        public static bool ValidateAgainstBundle(X509Certificate2 certificate, SslPolicyErrors errors, X509Certificate2Collection bundle)
        {
            if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
            chain.ChainPolicy.ExtraStore.AddRange(bundle);
            chain.Build(certificate);
            foreach (X509ChainStatus status in chain.ChainStatus)
            {
                if (status.Status != X509ChainStatusFlags.NoError && status.Status != X509ChainStatusFlags.UntrustedRoot) return false;
            }
            if (chain.ChainElements.Count == 0) return false;
            var root = chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
            foreach (var trusted in bundle)
            {
                if (trusted.RawData.SequenceEqual(root.RawData)) return true;
            }
            return false;
        }

        private static string AssemblyVersion()
        {
            var assembly = typeof(NovaTransport).Assembly;
            var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            if (!string.IsNullOrEmpty(informational))
            {
                var plus = informational!.IndexOf('+');
                return plus > 0 ? informational.Substring(0, plus) : informational;
            }
            return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }
    }
}
