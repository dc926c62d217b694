using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ComputeServices.Tests.MonoCompat
{
    /// <summary>
    /// The few .NET APIs the engine tests use that .NET Framework 4.7.2 lacks, for the test code only (the engine under
    /// test is its own net472 build, untouched). Each does what the .NET API does for the way the tests call it; what
    /// cannot be done on Mono throws <see cref="MonoCannotRunException"/> and Run-MonoTests.ps1 skips that test by name.
    /// </summary>
    public static class NetApis
    {
        extension(Path)
        {
            public static string GetRelativePath(string relativeTo, string path)
            {
                var from = new Uri(AppendSeparator(Path.GetFullPath(relativeTo)));
                var relative = Uri.UnescapeDataString(from.MakeRelativeUri(new Uri(Path.GetFullPath(path))).ToString());
                return relative.Replace('/', Path.DirectorySeparatorChar);
            }
        }

        extension(GC)
        {
            public static long GetTotalAllocatedBytes(bool precise)
                => throw new MonoCannotRunException("GC.GetTotalAllocatedBytes (allocation accounting) does not exist on .NET Framework or Mono");
        }

        extension(Process process)
        {
            public void Kill(bool entireProcessTree) => process.Kill();
        }

        public static string[] Split(this string s, char separator, StringSplitOptions options) => s.Split(new[] { separator }, options);

        public static string[] Split(this string s, char separator, int count, StringSplitOptions options = StringSplitOptions.None)
            => s.Split(new[] { separator }, count, options);

        public static IEnumerable<(TFirst First, TSecond Second)> Zip<TFirst, TSecond>(this IEnumerable<TFirst> first, IEnumerable<TSecond> second)
            => first.Zip(second, (a, b) => (a, b));

        public static Task<string> ReadAsStringAsync(this HttpContent content, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return content.ReadAsStringAsync();
        }

        private static string AppendSeparator(string folder)
            => folder.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? folder : folder + Path.DirectorySeparatorChar;
    }

    public sealed class MonoCannotRunException : NotSupportedException
    {
        public MonoCannotRunException(string message) : base(message) { }
    }
}

namespace System
{
    /// <summary>The compiler's type for `^1` (from-end indexes), which .NET Framework lacks.</summary>
    internal readonly struct Index
    {
        private readonly int _value;

        public Index(int value, bool fromEnd = false) => _value = fromEnd ? ~value : value;

        public int GetOffset(int length) => _value < 0 ? length + _value + 1 : _value;
    }
}
