using System;
using System.IO;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ComputeServices.Nova;
using Xunit;

namespace ComputeServices.Tests.Nova
{
    public class RedactorAndTlsTests
    {
        [Fact]
        public void Masks_passwords_secrets_and_token_ids_in_JSON()
        {
            var body = "{\"auth\":{\"identity\":{\"methods\":[\"password\",\"token\"],\"password\":{\"user\":{\"name\":\"admin\",\"password\":\"hunter22\"}}," +
                       "\"token\":{\"id\":\"gAAAAtok\"},\"application_credential\":{\"id\":\"cred-id\",\"secret\":\"s3cr3t\"}}}}";
            var redacted = Redactor.Json(body);
            Assert.DoesNotContain("hunter22", redacted);
            Assert.DoesNotContain("gAAAAtok", redacted);
            Assert.DoesNotContain("s3cr3t", redacted);
            Assert.Contains("\"name\":\"admin\"", redacted);
            Assert.Contains("cred-id", redacted);     // an id is not a secret
            Assert.Contains("\"methods\":[\"password\",\"token\"]", redacted);
        }

        [Fact]
        public void Masks_secrets_in_text_that_is_not_JSON()
        {
            var redacted = Redactor.Json("{\"password\": \"hunter22\", broken");
            Assert.DoesNotContain("hunter22", redacted);
        }

        [Fact]
        public void Masks_token_headers_and_literal_secret_values()
        {
            Assert.Equal(Redactor.Mask, Redactor.HeaderValue("X-Auth-Token", "abc"));
            Assert.Equal(Redactor.Mask, Redactor.HeaderValue("x-subject-token", "abc"));
            Assert.Equal("application/json", Redactor.HeaderValue("Accept", "application/json"));
            Assert.Equal("bad *** here", Redactor.Scrub("bad hunter22 here", new[] { "hunter22" }));
        }

        private static X509Certificate2 SelfSigned(string name, out RSA key)
        {
            key = RSA.Create(2048);
            var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        }

        [Theory]
        [InlineData("The proxy tunnel request to proxy 'http://puser:Pr0xy-pw@127.0.0.1:3128/' failed", "The proxy tunnel request to proxy 'http://puser:***@127.0.0.1:3128/' failed")]
        [InlineData("via https://u:p%40ss%2Fw0rd@proxy.example.com:8443", "via https://u:***@proxy.example.com:8443")]
        [InlineData("socks5://:only-pw@10.0.0.1:1080 down", "socks5://:***@10.0.0.1:1080 down")]
        public void A_password_in_any_URL_is_masked_even_when_not_a_known_secret(string text, string expected)
        {
            Assert.Equal(expected, Redactor.Scrub(text, Array.Empty<string>()));
        }

        [Fact]
        public void A_URL_without_a_password_is_left_alone()
        {
            const string text = "GET http://127.0.0.1:8774/v2.1/os-services?host=a:b@c failed; user@example.com, http://user@host/";
            Assert.Equal(text, Redactor.Scrub(text, Array.Empty<string>()));
        }

        [Fact]
        public void The_proxy_variables_passwords_are_secrets_with_or_without_a_scheme()
        {
            var variables = new System.Collections.Generic.Dictionary<string, string>
            {
                ["HTTPS_PROXY"] = "http://puser:first-pw@proxy:3128", ["http_proxy"] = "suser:second%21pw@proxy:3128", ["NO_PROXY"] = "x:y@z",
            };

            var secrets = Redactor.ProxyVariableSecrets(n => variables.TryGetValue(n, out var v) ? v : null);

            Assert.Equal(new[] { "first-pw", "first-pw", "second%21pw", "second!pw" }, secrets);
        }

        [Fact]
        public void A_CA_bundle_accepts_only_certificates_that_chain_to_it()
        {
            var ca = SelfSigned("test-ca", out var caKey);
            using var leafKey = RSA.Create(2048);
            var leafRequest = new CertificateRequest("CN=nova.test", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var leaf = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), new byte[] { 1, 2, 3, 4 });
            var other = SelfSigned("other-ca", out _);

            var dir = Path.Combine(Path.GetTempPath(), "cs-ca-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                var pem = Path.Combine(dir, "ca.pem");
                File.WriteAllText(pem, "junk\n" + Pem(other) + Pem(ca));
                var bundle = NovaTransport.LoadBundle(pem);
                Assert.Equal(2, bundle.Count);

                Assert.True(NovaTransport.ValidateAgainstBundle(leaf, SslPolicyErrors.RemoteCertificateChainErrors, bundle));
                Assert.False(NovaTransport.ValidateAgainstBundle(leaf, SslPolicyErrors.RemoteCertificateNameMismatch, bundle));
                var onlyOther = new X509Certificate2Collection(other);
                Assert.False(NovaTransport.ValidateAgainstBundle(leaf, SslPolicyErrors.RemoteCertificateChainErrors, onlyOther));

                using var handler = NovaTransport.CreateHandler(new NovaConnectionSettings { CaCertFile = pem });
                Assert.NotNull(handler.ServerCertificateCustomValidationCallback);
                using var insecure = NovaTransport.CreateHandler(new NovaConnectionSettings { Insecure = true });
                Assert.True(insecure.ServerCertificateCustomValidationCallback!(null!, other, null, SslPolicyErrors.RemoteCertificateChainErrors));
                using var plain = NovaTransport.CreateHandler(new NovaConnectionSettings());
                Assert.Null(plain.ServerCertificateCustomValidationCallback);

                var missing = Assert.Throws<ComputeServiceException>(() => NovaTransport.LoadBundle(Path.Combine(dir, "nope.pem")));
                Assert.Equal(ErrorIds.CloudConfigInvalid, missing.ErrorId);
            }
            finally
            {
                Directory.Delete(dir, true);
                caKey.Dispose();
            }
        }

        private static string Pem(X509Certificate2 cert)
            => "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(cert.RawData, Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE-----\n";

        [Fact]
        public void A_proxy_is_plumbed_into_the_handler()
        {
            using var handler = NovaTransport.CreateHandler(new NovaConnectionSettings
            {
                Proxy = new Uri("http://proxy.test:3128"),
                ProxyCredential = new System.Net.NetworkCredential("u", "p"),
            });
            Assert.True(handler.UseProxy);
            Assert.Equal(new Uri("http://proxy.test:3128/"), handler.Proxy!.GetProxy(new Uri("http://nova.test")));
        }
    }
}
