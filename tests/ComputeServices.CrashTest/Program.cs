using System;
using System.Globalization;

namespace ComputeServices.CrashTest
{
    /// <summary>
    /// crash [kills] [services]: the crash test, printing its counts (exit 1 when an invariant broke).
    /// write &lt;inventory&gt;: a child that rewrites every service of the inventory in a loop until it is killed.
    /// new &lt;inventory&gt; &lt;services&gt;: creates the inventory the writers expect.
    /// count &lt;inventory&gt; &lt;updates&gt; &lt;go-file&gt;: a child that waits for go-file, then increments a counter that many times.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            var mode = args.Length > 0 ? args[0] : "crash";
            switch (mode)
            {
                case "write":
                    Writers.WriteForever(args[1]);
                    return 0;
                case "new":
                    new ComputeServices.Inventory.InventoryFile(args[1]).Create(CrashRun.NewDocument(int.Parse(args[2], CultureInfo.InvariantCulture)), overwrite: true);
                    return 0;
                case "time":
                    Writers.Time(args[1]);
                    return 0;
                case "count":
                    return Writers.Count(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
                case "crash":
                    var kills = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
                    var services = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500;
                    var report = CrashRun.Run(kills, services, seed: Environment.TickCount, progress: Console.Out);
                    Console.WriteLine(report.Summary());
                    return report.Ok ? 0 : 1;
                default:
                    Console.Error.WriteLine("usage: crash [kills] [services] | write <inventory> | new <inventory> <services> | count <inventory> <updates> <go-file>");
                    return 2;
            }
        }
    }
}
