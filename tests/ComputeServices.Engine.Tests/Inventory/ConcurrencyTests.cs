using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ComputeServices.Inventory;
using Xunit;
using static ComputeServices.Tests.Inventory.TempInventory;

namespace ComputeServices.Tests.Inventory
{
    /// <summary>Locked read-modify-write: no lost update, readers never see half a file, a held lock times out.</summary>
    public class ConcurrencyTests
    {
        internal const int Threads = 8;
        internal const int UpdatesPerThread = 25;

        internal static int Counter(InventoryDocument d)
            => d.Extra != null && d.Extra.TryGetValue("counter", out var e) ? e.GetInt32() : 0;

        internal static void Increment(InventoryDocument d)
        {
            var next = Counter(d) + 1;
            d.Extra ??= new System.Collections.Generic.Dictionary<string, JsonElement>();
            d.Extra["counter"] = JsonSerializer.SerializeToElement(next);
        }

        private static TempInventory SeedWithHosts(int hosts)
        {
            var doc = Doc(Enumerable.Range(1, hosts).Select(k => Svc(k, "host-" + k, lastSeenUp: Now)).ToArray());
            return With(doc);
        }

        [Fact]
        public void ParallelReadModifyWrites_LoseNoUpdate_AndReadersNeverSeeAHalfWrittenFile()
        {
            using var t = SeedWithHosts(Threads);
            var errors = new ConcurrentQueue<Exception>();
            var readerErrors = new ConcurrentQueue<string>();
            var done = 0;
            var reads = 0;

            var reader = new Thread(() =>
            {
                var file = t.OpenFile();
                var last = 0;
                while (Volatile.Read(ref done) == 0)
                {
                    try
                    {
                        var d = file.Read();
                        var c = Counter(d);
                        if (c < last) readerErrors.Enqueue($"counter went back from {last} to {c}");
                        last = c;
                        if (d.Services.Count != Threads) readerErrors.Enqueue($"saw {d.Services.Count} services");
                        Interlocked.Increment(ref reads);
                    }
                    catch (Exception ex)
                    {
                        readerErrors.Enqueue(ex.GetType().Name + ": " + ex.Message);
                    }
                }
            });
            reader.Start();

            var writers = Enumerable.Range(1, Threads).Select(k => new Thread(() =>
            {
                try
                {
                    // Each thread has its own InventoryFile and backend, as separate cmdlet invocations would.
                    var file = new InventoryFile(t.Path, TimeSpan.FromMinutes(2));
                    var backend = new InventoryBackend(file, () => Now);
                    for (var i = 0; i < UpdatesPerThread; i++)
                    {
                        file.Update(d => { Increment(d); return 0; });
                        var me = Ops.Resolve(backend, "host-" + k);
                        Ops.Update(backend, me, ServiceChange.Disable($"t{k}-{i}"));
                    }
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                }
            })).ToList();
            writers.ForEach(w => w.Start());
            writers.ForEach(w => w.Join());
            Volatile.Write(ref done, 1);
            reader.Join();

            Assert.Empty(errors);
            Assert.Empty(readerErrors);
            Assert.True(reads > 0);
            var final = t.Read();
            Assert.Equal(Threads * UpdatesPerThread, Counter(final));
            for (var k = 1; k <= Threads; k++)
            {
                var s = final.Services.Single(x => x.Host == "host-" + k);
                Assert.True(s.Disabled);
                Assert.Equal($"t{k}-{UpdatesPerThread - 1}", s.DisabledReason);
            }
            Assert.Empty(t.TempFiles());
        }

        [Fact]
        public void ParallelUpdatesOfOneService_EndWithOneOfTheWrittenReasons_AndAValidFile()
        {
            using var t = SeedWithHosts(1);
            var written = new ConcurrentBag<string>();
            Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, k =>
            {
                var backend = new InventoryBackend(new InventoryFile(t.Path, TimeSpan.FromMinutes(2)), () => Now);
                for (var i = 0; i < 10; i++)
                {
                    var reason = $"t{k}-{i}";
                    Ops.Update(backend, Ops.Resolve(backend, "host-1"), ServiceChange.Disable(reason));
                    written.Add(reason);
                }
            });
            Assert.Equal(Threads * 10, written.Count);
            Assert.Contains(t.Read().Services.Single().DisabledReason, written);
            Assert.Empty(t.TempFiles());
        }

        [Fact]
        public void LockHeldByAnotherStream_TimesOut_AsInventoryLocked_AndNothingIsWritten()
        {
            using var t = Sample();
            var before = t.Bytes();
            var file = new InventoryFile(t.Path, TimeSpan.FromMilliseconds(300));
            var backend = new InventoryBackend(file, () => Now);
            var target = Ops.Resolve(backend, "compute-free-01");
            using (new FileStream(file.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                var watch = Stopwatch.StartNew();
                var ex = Assert.Throws<ComputeServiceException>(() => Ops.Update(backend, target, ServiceChange.Disable("x")));
                Assert.Equal(ErrorIds.InventoryLocked, ex.ErrorId);
                Assert.Equal(FailureKind.Timeout, ex.Kind);
                Assert.Contains(t.Path, ex.Message);
                Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(250), $"gave up after {watch.Elapsed}");
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
                Assert.Equal(ErrorIds.InventoryLocked, Assert.Throws<ComputeServiceException>(() => Ops.Delete(backend, target)).ErrorId);
                Assert.Equal(ErrorIds.InventoryLocked,
                    Assert.Throws<ComputeServiceException>(() => file.Create(SampleInventory.Empty(), overwrite: true)).ErrorId);
                // Readers take no lock.
                Assert.Equal(13, Ops.List(backend).Count);
                Assert.Equal(before, t.Bytes());
            }
            Assert.Equal("disabled", Ops.Update(backend, target, ServiceChange.Disable("x")).Status);
        }

        [Fact]
        public async Task AWriterWaits_ForALockReleasedWithinTheTimeout()
        {
            using var t = Sample();
            var file = new InventoryFile(t.Path, TimeSpan.FromSeconds(20));
            var holder = new FileStream(file.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            var release = Task.Run(async () => { await Task.Delay(400); holder.Dispose(); });
            var watch = Stopwatch.StartNew();
            file.Update(d => { Increment(d); return 0; });
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(300), $"did not wait: {watch.Elapsed}");
            await release;
            Assert.Equal(1, Counter(t.Read()));
        }

        [Fact]
        public void Cancellation_WhileWaitingForTheLock_Throws_AndWritesNothing()
        {
            using var t = Sample();
            var before = t.Bytes();
            var file = new InventoryFile(t.Path, TimeSpan.FromSeconds(20));
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            using (new FileStream(file.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                var watch = Stopwatch.StartNew();
                Assert.ThrowsAny<OperationCanceledException>(() => file.Update(d => { Increment(d); return 0; }, cts.Token));
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
            }
            Assert.Equal(before, t.Bytes());
        }
    }
}
