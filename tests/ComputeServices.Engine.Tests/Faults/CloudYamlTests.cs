using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using ComputeServices.Config;
using ComputeServices.Tests.Nova;
using Xunit;

namespace ComputeServices.Tests.Faults
{
    /// <summary>Issue 8 item 9: clouds.yaml and secure.yaml are read in bounded time and memory, and strictly.</summary>
    [Collection(nameof(ResponseSizeTests))] // measures allocations: not in parallel with other tests
    public sealed class CloudYamlTests : IDisposable
    {
        private readonly CloudConfigFolder _folder = new CloudConfigFolder("cs-yaml-");

        public void Dispose() => _folder.Dispose();

        private CloudConfigLoader Loader() => _folder.Loader();

        private string Write(string name, string text) => _folder.Write(Path.Combine("cwd", name), text);

        /// <summary>Nine levels of nine aliases each: about 500 bytes that name 9^9 (387 million) strings.</summary>
        public static string AliasBomb()
        {
            var b = new StringBuilder("clouds:\n  prod:\n    auth:\n      auth_url: http://keystone:5000/v3\n");
            b.Append("a0: &a0 \"lol\"\n");
            for (var i = 1; i <= 9; i++)
            {
                b.Append($"a{i}: &a{i} [");
                for (var j = 0; j < 9; j++) b.Append(j == 0 ? "" : ",").Append($"*a{i - 1}");
                b.Append("]\n");
            }
            return b.ToString();
        }

        [Fact]
        public void An_alias_bomb_is_CloudConfigInvalid_in_bounded_memory_also_for_tab_completion()
        {
            var text = AliasBomb();
            Assert.True(text.Length < 600, $"{text.Length} bytes");
            var path = Write("clouds.yaml", text);

            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var ex = Assert.Throws<ComputeServiceException>(() => Loader().LoadCloud("prod"));
            var names = Loader().ListCloudNames();
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

            Assert.Equal(ErrorIds.CloudConfigInvalid, ex.ErrorId);
            Assert.Contains(path, ex.Message);
            Assert.Contains("nodes", ex.Message);
            Assert.Empty(names);
            Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated / (1024 * 1024)} MB");
        }

        [Fact]
        public void Ordinary_anchors_and_aliases_still_work()
        {
            Write("clouds.yaml", "defaults: &auth\n  auth_url: http://keystone:5000/v3\n  username: admin\n  password: pw\n" +
                                 "clouds:\n  prod:\n    auth: *auth\n    region_name: One\n  lab:\n    auth: *auth\n    region_name: Two\n");

            var prod = Loader().LoadCloud("prod");
            var lab = Loader().LoadCloud("lab");

            Assert.Equal("http://keystone:5000/v3", prod.AuthUrl);
            Assert.Equal("admin", lab.Username);
            Assert.Equal("Two", lab.RegionName);
            Assert.Equal(new[] { "lab", "prod" }, Loader().ListCloudNames());
        }

        [Theory]
        [InlineData("clouds.yaml", "clouds:\n  prod:\n    auth:\n      auth_url: http://a:5000\n      password: one\n      password: two\n", "password")]
        [InlineData("clouds.yaml", "clouds:\n  prod:\n    region_name: One\n  prod:\n    region_name: Two\n", "prod")]
        [InlineData("secure.yaml", "clouds:\n  prod:\n    auth:\n      password: a\n      password: b\n", "password")]
        public void Duplicate_keys_are_CloudConfigInvalid_naming_the_key(string file, string text, string key)
        {
            if (file == "secure.yaml") Write("clouds.yaml", "clouds:\n  prod:\n    auth:\n      auth_url: http://a:5000\n      username: u\n");
            var path = Write(file, text);

            var ex = Assert.Throws<ComputeServiceException>(() => Loader().LoadCloud("prod"));

            Assert.Equal(ErrorIds.CloudConfigInvalid, ex.ErrorId);
            Assert.Contains($"'{key}'", ex.Message);
            Assert.Contains(path, ex.Message);
            Assert.Matches(@"line \d+", ex.Message);
        }

        [Fact]
        public void A_file_over_the_size_cap_is_refused_without_parsing_it()
        {
            var path = Write("clouds.yaml", "clouds:\n  prod:\n    auth:\n      auth_url: http://a:5000\n#" + new string('x', 2 * 1024 * 1024) + "\n");

            var ex = Assert.Throws<ComputeServiceException>(() => Loader().LoadCloud("prod"));

            Assert.Equal(ErrorIds.CloudConfigInvalid, ex.ErrorId);
            Assert.Contains("larger than", ex.Message);
            Assert.Contains(path, ex.Message);
            Assert.Empty(Loader().ListCloudNames());
        }
    }
}
