using System;
using System.Collections;

namespace ComputeServices.Nova
{
    /// <summary>
    /// An exception from below the module (HttpClient, sockets, TLS) with every secret masked in its message, stack
    /// text and data: what a wrapped inner exception becomes, so Get-Error and Exception.ToString() show no more than
    /// the module's own message does. It keeps the original type's name and chain.
    /// </summary>
    internal sealed class RedactedException : Exception
    {
        private readonly string? _stackTrace;

        public RedactedException(Exception original, Func<string?, string> scrub, Exception? inner)
            : base(scrub(original.Message), inner)
        {
            OriginalType = original.GetType().FullName ?? original.GetType().Name;
            HResult = original.HResult;
            _stackTrace = original.StackTrace == null ? null : scrub(original.StackTrace);
            foreach (DictionaryEntry entry in original.Data)
                Data[scrub(entry.Key?.ToString())] = scrub(entry.Value?.ToString());
        }

        /// <summary>The type of the exception this stands for (for example System.Net.Http.HttpRequestException).</summary>
        public string OriginalType { get; }

        public override string? StackTrace => _stackTrace;

        public override string ToString()
        {
            var text = OriginalType + ": " + Message;
            if (InnerException != null) text += " ---> " + InnerException + Environment.NewLine + "   --- End of inner exception stack trace ---";
            if (_stackTrace != null) text += Environment.NewLine + _stackTrace;
            return text;
        }
    }
}
