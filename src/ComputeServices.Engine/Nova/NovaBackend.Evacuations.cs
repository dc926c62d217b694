using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

using ComputeServices.Rules;

namespace ComputeServices.Nova
{
    public sealed partial class NovaBackend
    {
        /// <summary>migration_type is in os-migrations answers from this microversion.</summary>
        internal static readonly Microversion MigrationTypeVersion = new Microversion(2, 23);
        /// <summary>From here os-migrations skips an unreachable cell; below it one down cell makes the whole list a 500.</summary>
        internal static readonly Microversion DownCellSafeMigrationsVersion = new Microversion(2, 59);
        private const int MaxEvacuationPages = 100;

        /// <summary>
        /// <c>GET /os-migrations?source_compute=H&amp;migration_type=evacuation</c>, at 2.59 or later where the server has it
        /// (an unreachable cell is then skipped, not a 500), else at 2.23 or later so that the answer carries migration_type;
        /// the 'done' ones still block clearing forced_down. Filters are re-checked client-side.
        /// </summary>
        public async Task<IReadOnlyList<MigrationSummary>> ListPendingEvacuationsAsync(string host, CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(host)) throw new ArgumentException("A host name must not be empty.", nameof(host));
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var version = MigrationsVersion(Connection.NegotiatedVersion, Connection.ServerMaxVersion);

            var result = new List<MigrationSummary>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var query = Query(("source_compute", host), ("migration_type", "evacuation")).TrimStart('?');
            for (var page = 0; page < MaxEvacuationPages && query != null; page++)
            {
                var response = await SendAsync(HttpMethod.Get, "os-migrations?" + query, null, cancellationToken, version)
                    .ConfigureAwait(false);
                using var doc = response.Json();
                var added = 0;
                foreach (var m in NovaJson.Array(doc.RootElement, "migrations"))
                {
                    var id = NovaJson.String(m, "uuid") ?? NovaJson.Id(m, "id");
                    if (id == null || !seen.Add(id)) continue;
                    added++;
                    var type = NovaJson.String(m, "migration_type");
                    var status = NovaJson.String(m, "status");
                    var source = NovaJson.String(m, "source_compute");
                    // Below 2.23 the answer has no migration_type: the server-side filter is all there is to go on.
                    if (status == null || !Evacuations.BlocksForceUp(status, type, source, host)) continue;
                    result.Add(new MigrationSummary(id, status, type ?? "evacuation", source ?? "", NovaJson.String(m, "dest_compute") ?? "", "source"));
                }
                var next = NovaJson.NextQuery(doc.RootElement, "migrations_links");
                query = added == 0 ? null : next;
            }
            return result;
        }

        /// <summary>The negotiated version when it is recent enough, else the lowest that is (2.59, then 2.23), if the server has it.</summary>
        internal static Microversion MigrationsVersion(Microversion negotiated, Microversion serverMax)
        {
            foreach (var wanted in new[] { DownCellSafeMigrationsVersion, MigrationTypeVersion })
            {
                if (negotiated >= wanted) return negotiated;
                if (serverMax >= wanted) return wanted;
            }
            return negotiated;
        }
    }
}
