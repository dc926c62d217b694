using System;
using System.Globalization;
using System.Text;

namespace ComputeServices
{
    /// <summary>
    /// What the format views (formats/ComputeServices.Format.ps1xml) print for a value. Host names and reasons come
    /// from an inventory file or a server that may be hostile: a terminal must never receive their control characters
    /// raw (OSC 52 writes the clipboard, CSI erases lines, CR overwrites what was printed), so the views show them.
    /// </summary>
    public static class DisplayText
    {
        /// <summary>
        /// The text with every control character shown instead of sent: C0 controls as their Unicode control picture
        /// (ESC as U+241B, BEL as U+2407, CR as U+240D, LF as U+240A), DEL as U+2421, and C1 controls (U+0080 to
        /// U+009F, where U+009B is an 8-bit CSI) and the bidirectional overrides and isolates as PowerShell's
        /// <c>`u{9b}</c> notation. Pictures keep a table's columns aligned; nothing else is changed.
        /// </summary>
        public static string? Escape(string? text)
        {
            if (text == null) return null;
            var i = 0;
            while (i < text.Length && !NeedsEscape(text[i])) i++;
            if (i == text.Length) return text;

            var sb = new StringBuilder(text.Length + 8);
            sb.Append(text, 0, i);
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (!NeedsEscape(c)) sb.Append(c);
                else if (c < 0x20) sb.Append((char)(0x2400 + c));
                else if (c == 0x7F) sb.Append('\u2421');
                else sb.Append("`u{").Append(((int)c).ToString("x", CultureInfo.InvariantCulture)).Append('}');
            }
            return sb.ToString();
        }

        private static bool NeedsEscape(char c)
            => c < 0x20 || (c >= 0x7F && c <= 0x9F)
               || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');

        /// <summary>
        /// How long ago a UTC time was, in at most 7 characters (<c>12s ago</c>, <c>5m ago</c>, <c>3h ago</c>,
        /// <c>41d ago</c>, <c>20w ago</c>, <c>2y ago</c>); a time ahead of this clock reads <c>0s ago</c>.
        /// </summary>
        public static string? Age(DateTime? utc) => utc.HasValue ? Age(utc.Value, DateTime.UtcNow) : null;

        public static string Age(DateTime utc, DateTime now)
        {
            var age = now - Rules.ServiceRules.AsUtc(utc);
            if (age < TimeSpan.Zero) age = TimeSpan.Zero;
            string Ago(double value, string unit) => ((long)Math.Floor(value)).ToString(CultureInfo.InvariantCulture) + unit + " ago";
            if (age.TotalSeconds < 60) return Ago(age.TotalSeconds, "s");
            if (age.TotalMinutes < 60) return Ago(age.TotalMinutes, "m");
            if (age.TotalHours < 48) return Ago(age.TotalHours, "h");
            if (age.TotalDays < 100) return Ago(age.TotalDays, "d");
            if (age.TotalDays < 700) return Ago(age.TotalDays / 7, "w");
            return Ago(Math.Min(age.TotalDays / 365.25, 99), "y");
        }
    }
}
