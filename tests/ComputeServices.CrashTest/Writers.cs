using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using ComputeServices.Inventory;

namespace ComputeServices.CrashTest
{
    /// <summary>The child processes: the engine's own InventoryFile.Update, nothing else.</summary>
    public static class Writers
    {
        public const string Generation = "generation";
        public const string Counter = "counter";

        /// <summary>The reason every service holds after write number <paramref name="generation"/>.</summary>
        public static string ReasonOf(long generation) => "generation " + generation;

        public static long GenerationOf(InventoryDocument document)
            => document.Extra != null && document.Extra.TryGetValue(Generation, out var e) ? e.GetInt64() : 0;

        /// <summary>Each write moves every service and the document's generation one step on; the generation is printed after it lands.</summary>
        public static void WriteForever(string path)
        {
            var file = new InventoryFile(path, TimeSpan.FromMinutes(1)) { StaleAfter = CrashRun.StaleAfter };
            var stdout = Console.Out;
            while (true)
            {
                var written = file.Update(document =>
                {
                    var next = GenerationOf(document) + 1;
                    foreach (var service in document.Services)
                    {
                        service.Disabled = true;
                        service.DisabledReason = ReasonOf(next);
                    }
                    document.Extra ??= new Dictionary<string, JsonElement>();
                    document.Extra[Generation] = JsonSerializer.SerializeToElement(next);
                    return next;
                });
                stdout.WriteLine(written);
                stdout.Flush();
            }
        }

        /// <summary>Prints how long the first update of a process takes, and the next ones on average.</summary>
        public static void Time(string path)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var file = new InventoryFile(path);
            file.Update(d => 0);
            var first = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            for (var i = 0; i < 50; i++) file.Update(d => 0);
            Console.WriteLine($"first update {first:0} ms, then {watch.Elapsed.TotalMilliseconds / 50:0.0} ms each");
        }

        public static int Count(string path, int updates, string goFile)
        {
            var file = new InventoryFile(path, TimeSpan.FromMinutes(2));
            // Start together, so the updates of all children really overlap.
            while (!File.Exists(goFile)) Thread.Sleep(1);
            for (var i = 0; i < updates; i++)
                file.Update(document =>
                {
                    document.Extra ??= new Dictionary<string, JsonElement>();
                    var count = document.Extra.TryGetValue(Counter, out var e) ? e.GetInt32() : 0;
                    document.Extra[Counter] = JsonSerializer.SerializeToElement(count + 1);
                    return 0;
                });
            return 0;
        }
    }
}
