using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using ComputeServices.Session;

namespace ComputeServices.Commands
{
    /// <summary>
    /// One engine <see cref="SessionContext"/> per runspace, not per process, so ThreadJobs and ForEach-Object -Parallel
    /// each keep their own connection, cache and completion data.
    /// </summary>
    internal static class RunspaceSessions
    {
        private static readonly ConditionalWeakTable<Runspace, SessionContext> ByRunspace = new ConditionalWeakTable<Runspace, SessionContext>();
        private static readonly SessionContext WithoutRunspace = new SessionContext();

        public static SessionContext Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                return runspace == null ? WithoutRunspace : ByRunspace.GetValue(runspace, _ => new SessionContext());
            }
        }
    }
}
