using System;

namespace ComputeServices.Nova
{
    /// <summary>
    /// What a compute or identity endpoint may be: an absolute http(s) URL with a host and without query or fragment.
    /// Anything else would be sent somewhere else than meant (a query swallows the path the module appends) or fail
    /// inside HttpClient with a raw exception, so it is refused before any request with InvalidEndpoint.
    /// </summary>
    internal static class NovaEndpoint
    {
        /// <summary>Why <paramref name="url"/> cannot be an endpoint, or null when it can.</summary>
        public static string? Problem(Uri? url)
        {
            if (url == null) return "it is empty";
            if (!url.IsAbsoluteUri) return "it is not an absolute URL (it needs http:// or https:// and a host)";
            if (!string.Equals(url.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(url.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
                return url.IsFile && url.OriginalString.StartsWith("/", StringComparison.Ordinal)
                    ? "it is not an absolute URL (it needs http:// or https:// and a host)"
                    : $"its scheme '{url.Scheme}' is not http or https";
            if (string.IsNullOrEmpty(url.Host)) return "it has no host";
            if (url.Query.Length > 0 || url.OriginalString.IndexOf('?') >= 0) return "it has a query ('?'), which would swallow the paths appended to it";
            if (url.Fragment.Length > 0 || url.OriginalString.IndexOf('#') >= 0) return "it has a fragment ('#'), which would swallow the paths appended to it";
            return null;
        }

        /// <summary>Throws InvalidEndpoint when <paramref name="url"/> cannot be an endpoint; <paramref name="what"/> says where it came from.</summary>
        public static Uri Checked(Uri? url, string what)
        {
            var problem = Problem(url);
            if (problem == null) return url!;
            var shown = url == null ? "" : url.IsAbsoluteUri ? Redactor.Url(url) : url.OriginalString;
            throw new ComputeServiceException(ErrorIds.InvalidEndpoint, FailureKind.InvalidArgument, $"The {what} '{shown}' cannot be used: {problem}.")
            {
                Target = shown,
                RecommendedAction = "Give the endpoint as an absolute URL such as https://nova.example.com:8774/v2.1, without '?' or '#'.",
            };
        }

        /// <summary>As <see cref="Checked(Uri?, string)"/> for an endpoint given as text (the catalog, clouds.yaml).</summary>
        public static Uri Checked(string text, string what)
        {
            Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out var url);
            if (url == null)
                throw new ComputeServiceException(ErrorIds.InvalidEndpoint, FailureKind.InvalidArgument, $"The {what} '{Redactor.Url(text)}' cannot be used: it is not a URL.")
                {
                    Target = Redactor.Url(text),
                    RecommendedAction = "Give the endpoint as an absolute URL such as https://nova.example.com:8774/v2.1, without '?' or '#'.",
                };
            return Checked(url, what);
        }
    }
}
