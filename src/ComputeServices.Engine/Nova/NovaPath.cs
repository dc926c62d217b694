using System;

namespace ComputeServices.Nova
{
    /// <summary>
    /// Path segments built from values a server or a user gave (service ids). A value that would change the path
    /// (<c>.</c>, <c>..</c>, a separator, a query or fragment start, an escape, a control character) is refused before
    /// any request; every other value is escaped.
    /// </summary>
    internal static class NovaPath
    {
        /// <summary>Why <paramref name="value"/> cannot be one path segment, or null.</summary>
        public static string? Problem(string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return "it is empty";
            if (value == "." || value == "..") return "it is a relative path segment";
            foreach (var c in value!)
            {
                if (c == '/' || c == '\\') return "it holds a path separator";
                if (c == '?' || c == '#') return "it holds a query or fragment start";
                if (c == '%') return "it holds a percent escape";
                if (char.IsControl(c)) return "it holds a control character";
            }
            return null;
        }

        /// <summary>The escaped segment for a service id, or InvalidServiceId naming the value.</summary>
        public static string ServiceId(string? id, object? target = null)
        {
            var problem = Problem(id);
            if (problem == null) return Uri.EscapeDataString(id!);
            var shown = Shown(id);
            throw new ComputeServiceException(ErrorIds.InvalidServiceId, FailureKind.InvalidData,
                $"The service id '{shown}' cannot be sent: {problem}, so it would change the request's path. Nothing was sent for it.")
            {
                Target = target ?? id,
                RecommendedAction = "A Nova service id is a UUID (an integer below microversion 2.53); the server that listed this id may not be Nova, or it is compromised.",
            };
        }

        /// <summary>The value with control characters shown as \uXXXX.</summary>
        internal static string Shown(string? value)
        {
            if (value == null) return "";
            var b = new System.Text.StringBuilder();
            foreach (var c in value)
                if (char.IsControl(c)) b.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                else b.Append(c);
            return b.ToString();
        }

        /// <summary>
        /// The endpoint with the relative path appended; refused when the result's path is not the one written (a dot
        /// segment that the URL parser would fold away), so nothing is sent to a path the module did not build.
        /// </summary>
        public static Uri Combine(Uri endpoint, string relativePath)
        {
            var baseText = endpoint.AbsoluteUri.TrimEnd('/');
            var relative = relativePath.TrimStart('/');
            var url = new Uri(baseText + "/" + relative);
            var q = relative.IndexOf('?');
            var relativePathPart = q < 0 ? relative : relative.Substring(0, q);
            var expected = new Uri(baseText).AbsolutePath.TrimEnd('/') + "/" + relativePathPart;
            if (!string.Equals(url.AbsolutePath, expected, StringComparison.Ordinal))
                throw new ComputeServiceException(ErrorIds.InvalidServiceId, FailureKind.InvalidData,
                    $"The request path '{Shown(relativePathPart)}' would be sent as '{url.AbsolutePath}': a value in it changes the path. Nothing was sent.")
                {
                    Target = Shown(relativePathPart),
                    RecommendedAction = "A Nova service id is a UUID (an integer below microversion 2.53); the server that listed this value may not be Nova.",
                };
            return url;
        }
    }
}
