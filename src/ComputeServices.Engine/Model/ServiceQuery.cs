namespace ComputeServices
{
    /// <summary>The server-side filters of <c>GET /os-services</c>: exact, case-sensitive host and binary.</summary>
    public sealed class ServiceQuery
    {
        public ServiceQuery(string? host = null, string? binary = null)
        {
            Host = string.IsNullOrEmpty(host) ? null : host;
            Binary = string.IsNullOrEmpty(binary) ? null : binary;
        }

        public string? Host { get; }
        public string? Binary { get; }

        public static readonly ServiceQuery All = new ServiceQuery();
    }
}
