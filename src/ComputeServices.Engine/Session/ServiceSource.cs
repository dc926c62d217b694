using System;
using System.IO;
using System.Text.RegularExpressions;

namespace ComputeServices.Session
{
    /// <summary>
    /// The <c>Source</c> of a <see cref="ComputeService"/>: where it was listed, as readable text that survives CSV, JSON
    /// and CLIXML. A cloud reads <c>label (endpoint, project name)</c>; an inventory is its full file path. Two sources are
    /// the same place when they name the same endpoint and project, or the same file; the label does not matter.
    /// </summary>
    public sealed class ServiceSource
    {
        private static readonly Regex CloudPattern = new Regex(
            @"^(?<label>[^()]*?) ?\((?<endpoint>[A-Za-z][A-Za-z0-9+.-]*://[^,()\s]+)(?:, project (?<project>.+))?\)$",
            RegexOptions.CultureInvariant);

        private ServiceSource(string text, string? endpoint, string? project, string? path)
        {
            Text = text;
            Endpoint = endpoint;
            Project = project;
            Path = path;
        }

        public string Text { get; }
        /// <summary>The compute endpoint of a cloud source, normalised (no user info, no trailing slash).</summary>
        public string? Endpoint { get; }
        /// <summary>The project of a cloud source; null when the connection has no project (a bare token).</summary>
        public string? Project { get; }
        /// <summary>The full path of an inventory source.</summary>
        public string? Path { get; }
        public bool IsCloud => Endpoint != null;

        /// <summary>The text of a cloud source.</summary>
        public static string DescribeCloud(string? label, Uri endpoint, string? project)
        {
            var text = $"{(string.IsNullOrWhiteSpace(label) ? "connection" : label)} ({NormalizeEndpoint(endpoint.ToString())}";
            return text + (string.IsNullOrEmpty(project) ? ")" : $", project {project})");
        }

        /// <summary>Reads a Source text; a relative inventory path is resolved against <paramref name="currentDirectory"/>.</summary>
        public static ServiceSource? Parse(string? text, string currentDirectory)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var trimmed = text!.Trim();
            var match = CloudPattern.Match(trimmed);
            if (match.Success)
                return new ServiceSource(trimmed, NormalizeEndpoint(match.Groups["endpoint"].Value),
                    match.Groups["project"].Success ? match.Groups["project"].Value : null, null);
            string full;
            try
            {
                full = System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(trimmed) ? trimmed : System.IO.Path.Combine(currentDirectory, trimmed));
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                return new ServiceSource(trimmed, null, null, trimmed);
            }
            return new ServiceSource(trimmed, null, null, full);
        }

        /// <summary>Whether two sources name the same cloud project or the same inventory file.</summary>
        public bool SamePlaceAs(ServiceSource other)
        {
            if (other == null) return false;
            if (IsCloud != other.IsCloud) return false;
            if (IsCloud)
                return string.Equals(Endpoint, other.Endpoint, StringComparison.Ordinal)
                    && string.Equals(Project, other.Project, StringComparison.Ordinal);
            return string.Equals(Path, other.Path, System.IO.Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        }

        /// <summary>"cloud prod (https://…, project admin)" or "inventory /path/file.json", for messages and ShouldProcess.</summary>
        public string Phrase => IsCloud ? "cloud " + Text : "inventory " + (Path ?? Text);

        public override string ToString() => Text;

        /// <summary>Scheme and host in lower case, no user info, no query, no trailing slash.</summary>
        public static string NormalizeEndpoint(string endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)) return endpoint.TrimEnd('/');
            var text = uri.GetComponents(UriComponents.Scheme | UriComponents.Host | UriComponents.Port | UriComponents.Path, UriFormat.UriEscaped);
            return text.TrimEnd('/');
        }
    }
}
