using System;

namespace ComputeServices
{
    /// <summary>How a caller names one service: by id, or by host and binary.</summary>
    public sealed class ServiceRef
    {
        private ServiceRef(string? id, string? host, string? binary, bool forDelete = false)
        {
            Id = id;
            Host = host;
            Binary = binary;
            ForDelete = forDelete;
        }

        public string? Id { get; }
        public string? Host { get; }
        public string? Binary { get; }
        public bool IsById => Id != null;
        /// <summary>Looked up to be deleted (or checked for deletion): Nova's DELETE words its 404 unlike its PUT.</summary>
        public bool ForDelete { get; }

        public static ServiceRef ById(string id, bool forDelete = false)
        {
            if (string.IsNullOrWhiteSpace(id)) throw new ArgumentException("A service id must not be empty.", nameof(id));
            return new ServiceRef(id.Trim(), null, null, forDelete);
        }

        public static ServiceRef ByHost(string host, string? binary = null)
        {
            if (string.IsNullOrWhiteSpace(host)) throw new ArgumentException("A host name must not be empty.", nameof(host));
            // Not trimmed: Nova matches host and binary exactly, and so do the listings this reference is compared with.
            return new ServiceRef(null, host, string.IsNullOrWhiteSpace(binary) ? ServiceBinaries.Compute : binary);
        }

        public override string ToString() => IsById ? Id! : $"{Binary}@{Host}";
    }
}
