using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Nova;
using ComputeServices.Tests.Nova;
using Xunit;

namespace ComputeServices.Tests.Faults
{
    /// <summary>
    /// Issue 18: ids from a hostile server that would change the request path (".", "..", separators, query or
    /// fragment starts, escapes, control characters) are refused before any request with InvalidServiceId naming the value.
    /// </summary>
    public class HostileIdTests
    {
        private static readonly CancellationToken None = CancellationToken.None;

        public static TheoryData<string> HostileIds => new TheoryData<string>
        {
            ".", "..", "../..", "a/b", "a\\b", "x?all_tenants=1", "x#y", "%2e%2e", "%2F", "a\u0007b", "a\nb",
        };

        private static WireNova ListingOnly(string id)
        {
            var nova = new WireNova();
            nova.Services.Clear();
            nova.Services[id] = ("compute-1", "nova-compute", 1);
            return nova;
        }

        [Theory]
        [MemberData(nameof(HostileIds))]
        public async Task A_delete_of_a_listed_hostile_id_is_refused_before_sending(string id)
        {
            using var nova = ListingOnly(id);
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog());
            var service = (await backend.ListAsync(ServiceQuery.All, None)).Single();

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.DeleteAsync(service, None));

            Assert.Equal(ErrorIds.InvalidServiceId, ex.ErrorId);
            Assert.Contains(NovaPath.Shown(id), ex.Message);
            Assert.Equal(0, nova.Count("DELETE", "/"));
            Assert.Single(nova.Services); // still listed: nothing was deleted
        }

        [Theory]
        [MemberData(nameof(HostileIds))]
        public async Task An_update_of_a_listed_hostile_id_is_refused_before_sending(string id)
        {
            using var nova = ListingOnly(id);
            using var connection = nova.ConnectStatic();
            using var backend = new NovaBackend(connection, new CollectingLog());
            var service = (await backend.ListAsync(ServiceQuery.All, None)).Single();

            var ex = await Assert.ThrowsAsync<ComputeServiceException>(() => backend.UpdateAsync(service, new ServiceChange(ServiceStatus.Disabled), None));

            Assert.Equal(ErrorIds.InvalidServiceId, ex.ErrorId);
            Assert.Equal(0, nova.Count("PUT", "/"));
        }

        [Theory]
        [InlineData("os-services/.")]
        [InlineData("os-services/..")]
        [InlineData("os-services/%2e%2e/x")]
        [InlineData("os-services/a/../../x")]
        public void A_built_path_that_the_URL_parser_would_fold_is_refused(string relative)
        {
            var ex = Assert.Throws<ComputeServiceException>(() => NovaPath.Combine(new Uri("http://127.0.0.1:8774/v2.1"), relative));

            Assert.Equal(ErrorIds.InvalidServiceId, ex.ErrorId);
        }

        [Theory]
        [InlineData("3f1ee6a4-1d2c-4f4c-9b67-2a4c57a0c101")]
        [InlineData("42")]
        [InlineData("h\u00f6st-\u00e9")]
        public void An_ordinary_id_is_escaped_into_one_segment(string id)
        {
            var url = NovaPath.Combine(new Uri("http://127.0.0.1:8774/compute/v2.1/"), "os-services/" + NovaPath.ServiceId(id));

            Assert.Equal("/compute/v2.1/os-services/" + Uri.EscapeDataString(id), url.AbsolutePath);
        }
    }
}
