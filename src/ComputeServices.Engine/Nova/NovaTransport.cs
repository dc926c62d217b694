using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ComputeServices.Nova
{
    /// <summary>Builds the one HttpClientHandler of a connection: TLS verification, CA bundle, proxy.</summary>
    internal static class NovaTransport
    {
        public static string DefaultUserAgent { get; } = "ComputeServices/" + AssemblyVersion();

        /// <summary>The highest -ThrottleLimit: that many requests to one Nova may be in flight at once.</summary>
        public const int MaxConnectionsPerServer = 64;

        /// <summary>TLS 1.3 as netstandard2.0 lacks the name (.NET Framework 4.8 and .NET Core 3+ know the value).</summary>
        internal const SslProtocols Tls13 = (SslProtocols)12288;

        public static HttpClientHandler CreateHandler(NovaConnectionSettings settings)
            => CreateHandler(settings, RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription);

        internal static HttpClientHandler CreateHandler(NovaConnectionSettings settings, string frameworkDescription, string osDescription)
        {
            var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            };
            Apply(PlanFor(frameworkDescription, osDescription), handler);
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

        /// <summary>
        /// What this runtime's handler needs beyond its defaults. .NET Framework allows 2 connections per server
        /// (so -ThrottleLimit 16 would run 2 at a time) and, under Windows PowerShell 5.1, offers TLS 1.0 and SSL 3 but not
        /// TLS 1.2: its handler is given 64 connections and TLS 1.2 (and 1.3 where Windows has it). Only this module's handler
        /// is changed, never ServicePointManager's process-wide defaults. .NET Core already allows unlimited connections and
        /// follows the system's TLS policy: nothing is changed there.
        /// </summary>
        internal static TransportPlan PlanFor(string frameworkDescription, string osDescription)
        {
            if (!frameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase)) return new TransportPlan(null, null);
            var tls = SslProtocols.Tls12;
            if (WindowsHasTls13(osDescription)) tls |= Tls13;
            return new TransportPlan(MaxConnectionsPerServer, tls);
        }

        /// <summary>TLS 1.3 is on by default in Windows from Windows 11 and Windows Server 2022 (build 20348).</summary>
        internal static bool WindowsHasTls13(string osDescription)
        {
            const string prefix = "Microsoft Windows ";
            if (!osDescription.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
            var version = osDescription.Substring(prefix.Length).Trim().Split(' ')[0];
            return Version.TryParse(version, out var v) && v.Major >= 10 && v.Build >= 20348;
        }

        private static void Apply(TransportPlan plan, HttpClientHandler handler)
        {
            try
            {
                if (plan.MaxConnectionsPerServer is int connections && handler.MaxConnectionsPerServer < connections)
                    handler.MaxConnectionsPerServer = connections;
                if (plan.SslProtocols is SslProtocols protocols) handler.SslProtocols = protocols;
            }
            catch (PlatformNotSupportedException)
            {
                // .NET Framework before 4.7.1 has neither setting on HttpClientHandler; its defaults stay.
            }
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

namespace ComputeServices.Nova
{
    /// <summary>The handler settings a runtime needs beyond its defaults (null: keep the default).</summary>
    internal sealed class TransportPlan
    {
        public TransportPlan(int? maxConnectionsPerServer, SslProtocols? sslProtocols)
        {
            MaxConnectionsPerServer = maxConnectionsPerServer;
            SslProtocols = sslProtocols;
        }

        public int? MaxConnectionsPerServer { get; }
        public SslProtocols? SslProtocols { get; }
    }
}
