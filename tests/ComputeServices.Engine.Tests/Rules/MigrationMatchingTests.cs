using System.Linq;
using ComputeServices.Inventory;
using ComputeServices.Rules;
using Xunit;

namespace ComputeServices.Tests.Rules
{
    /// <summary>Nova's migration_get_in_progress_by_host_and_node as both backends apply it.</summary>
    public class MigrationMatchingTests
    {
        private static MigrationRecord M(string status, string src, string srcNode, string dst, string dstNode)
            => new MigrationRecord { Uuid = "m", Status = status, SourceCompute = src, SourceNode = srcNode, DestCompute = dst, DestNode = dstNode };

        [Fact]
        public void Host_and_node_must_both_match_and_the_status_must_be_in_progress()
        {
            var nodes = new[] { "h1.node-b" };
            Assert.Equal(MigrationMatching.Source, MigrationMatching.RoleOf(M("running", "h1", "h1.node-b", "x", "x"), "h1", nodes));
            Assert.Equal(MigrationMatching.Destination, MigrationMatching.RoleOf(M("finished", "y", "y", "h1", "h1.node-b"), "h1", nodes));
            Assert.Null(MigrationMatching.RoleOf(M("running", "h1", "h1.node-a", "x", "x"), "h1", nodes));   // a replaced node
            Assert.Null(MigrationMatching.RoleOf(M("confirmed", "h1", "h1.node-b", "x", "x"), "h1", nodes)); // terminal
            Assert.Null(MigrationMatching.RoleOf(M("running", "H1", "h1.node-b", "x", "x"), "h1", nodes));   // case-sensitive host
        }

        [Fact]
        public void Without_nodes_the_host_alone_decides_and_the_named_nodes_are_listed()
        {
            Assert.Equal(MigrationMatching.Source, MigrationMatching.RoleOf(M("running", "h1", "whatever", "x", "x"), "h1", null));
            Assert.Null(MigrationMatching.RoleOf(M("running", "h1", "h1", "x", "x"), "h1", new string[0]));
            Assert.Equal(new[] { "h1.a", "h1.b" }, MigrationMatching.NodesNamedFor(M("running", "h1", "h1.a", "h1", "h1.b"), "h1").ToArray());
            Assert.Empty(MigrationMatching.NodesNamedFor(M("error", "h1", "h1.a", "x", "x"), "h1"));
        }
    }
}
