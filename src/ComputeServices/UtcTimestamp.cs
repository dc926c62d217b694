using System;
using System.Globalization;
using System.Management.Automation;

namespace ComputeServices.Commands
{
    /// <summary>
    /// A UTC DateTime as PowerShell hands out a ComputeService's UpdatedAt: a PSObject over the DateTime itself, so it stays
    /// -is [datetime] with its Kind, comparisons, methods, casts and ConvertTo-Json text, whose ToString() is ISO 8601 with Z
    /// (2026-12-04T15:00:00Z; fractional seconds only when the value has them). Export-Csv and ConvertTo-Csv write a value's
    /// ToString(). PowerShell's own formatting ("$x", $x.ToString(), -f, the views) goes to the DateTime and is unchanged.
    /// An override rather than an instance ToString member: PowerShell keeps instance members of a boxed value in a weak
    /// table, which made 10,000 reads of UpdatedAt take about 100 ms instead of 25 ms; and that member would also have
    /// changed $x.ToString() and -f, which runbooks may parse.
    /// </summary>
    internal sealed class UtcTimestamp : PSObject
    {
        internal const string Format = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

        private readonly DateTime _utc;

        internal UtcTimestamp(DateTime utc) : base(utc) => _utc = utc;

        internal static string Text(DateTime utc) => utc.ToString(Format, CultureInfo.InvariantCulture);

        public override string ToString() => Text(_utc);
    }
}
