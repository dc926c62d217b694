using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using ComputeServices.Inventory;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>A temp folder holding one inventory file, deleted on Dispose.</summary>
    internal sealed class TempInventory : IDisposable
    {
        public static readonly DateTime Now = new DateTime(2026, 3, 14, 12, 0, 0, DateTimeKind.Utc);

        private TempInventory(string folder, string path)
        {
            Folder = folder;
            Path = path;
        }

        public string Folder { get; }
        public string Path { get; }
        public DateTime Clock { get; set; } = Now;

        public static TempInventory Empty()
        {
            var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cs-inv-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            return new TempInventory(folder, System.IO.Path.Combine(folder, "inventory.json"));
        }

        public static TempInventory With(InventoryDocument document)
        {
            var t = Empty();
            new InventoryFile(t.Path).Create(document, overwrite: false);
            return t;
        }

        public static TempInventory Sample() => With(SampleInventory.Create(Now));

        public static TempInventory WithText(string json)
        {
            var t = Empty();
            System.IO.File.WriteAllText(t.Path, json);
            return t;
        }

        public InventoryFile OpenFile() => new InventoryFile(Path);

        public InventoryBackend Backend() => new InventoryBackend(Path, () => Clock);

        public byte[] Bytes() => System.IO.File.ReadAllBytes(Path);

        public InventoryDocument Read() => OpenFile().Read();

        public string[] TempFiles() => Directory.GetFiles(Folder, ".*.tmp");

        public void Dispose()
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                try
                {
                    if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
                    return;
                }
                catch (IOException) { Thread.Sleep(50); }
                catch (UnauthorizedAccessException) { Thread.Sleep(50); }
            }
        }

        /// <summary>A compute service record with sensible defaults.</summary>
        public static ServiceRecord Svc(long id, string host, string binary = "nova-compute", DateTime? lastSeenUp = null,
            DateTime? createdAt = null, bool disabled = false, string? reason = null, bool forcedDown = false)
            => new ServiceRecord
            {
                Id = id,
                Uuid = Guid.NewGuid().ToString(),
                Host = host,
                Binary = binary,
                Disabled = disabled,
                DisabledReason = reason,
                ForcedDown = forcedDown,
                LastSeenUp = lastSeenUp,
                CreatedAt = createdAt ?? Now,
                UpdatedAt = createdAt ?? Now,
            };

        public static InventoryDocument Doc(params ServiceRecord[] services)
        {
            var d = new InventoryDocument();
            d.Services.AddRange(services);
            foreach (var s in services.Where(s => s.Binary == "nova-compute"))
                d.ComputeNodes.Add(new ComputeNodeRecord { Uuid = Guid.NewGuid().ToString(), Host = s.Host, HypervisorHostname = s.Host });
            return d;
        }

        public static string TestData(params string[] parts)
            => System.IO.Path.Combine(new[] { AppContext.BaseDirectory, "TestData", "os-services" }.Concat(parts).ToArray());
    }

    internal static class Ops
    {
        public static ComputeService Resolve(InventoryBackend backend, string host, string binary = "nova-compute")
            => backend.ResolveAsync(ServiceRef.ByHost(host, binary), CancellationToken.None).GetAwaiter().GetResult();

        public static ComputeService ResolveId(InventoryBackend backend, string id)
            => backend.ResolveAsync(ServiceRef.ById(id), CancellationToken.None).GetAwaiter().GetResult();

        public static ComputeService Update(InventoryBackend backend, ComputeService service, ServiceChange change)
            => backend.UpdateAsync(service, change, CancellationToken.None).GetAwaiter().GetResult();

        public static void Delete(InventoryBackend backend, ComputeService service)
            => backend.DeleteAsync(service, CancellationToken.None).GetAwaiter().GetResult();

        public static RemovalCheck TestRemoval(InventoryBackend backend, ComputeService service)
            => backend.TestRemovalAsync(service, CancellationToken.None).GetAwaiter().GetResult();

        public static IReadOnlyList<ComputeService> List(InventoryBackend backend, string? host = null, string? binary = null)
            => backend.ListAsync(new ServiceQuery(host, binary), CancellationToken.None).GetAwaiter().GetResult();
    }
}
