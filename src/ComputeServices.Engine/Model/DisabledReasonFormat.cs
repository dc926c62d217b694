using System;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ComputeServices
{
    /// <summary>What a disabled reason says about who holds the disable.</summary>
    public sealed class DisabledReasonInfo
    {
        internal static readonly DisabledReasonInfo None = new DisabledReasonInfo(null, null, null, null);

        internal DisabledReasonInfo(string? disabledBy, string? ticket, string? managedBy, string? text)
        {
            DisabledBy = disabledBy;
            Ticket = ticket;
            ManagedBy = managedBy;
            Text = text;
        }

        /// <summary>The owner of a reason written in this module's form (<c>[owner] text (ticket)</c>).</summary>
        public string? DisabledBy { get; }
        public string? Ticket { get; }
        /// <summary>Nova itself or an HA / optimisation tool, recognised by its own reason text.</summary>
        public string? ManagedBy { get; }
        /// <summary>The free text of a reason in this module's form.</summary>
        public string? Text { get; }
    }

    /// <summary>
    /// The one documented form of an owned disabled reason, <c>[owner] text (ticket)</c>, e.g.
    /// <c>[patching] kernel upgrade (CHG123)</c>, and the reasons that Nova and HA tools write for themselves.
    /// </summary>
    public static class DisabledReasonFormat
    {
        public const int MaxOwnerLength = 64;
        public const int MaxTicketLength = 64;

        /// <summary>Nova's libvirt driver prefixes the reasons of the computes it disables itself with this.</summary>
        public const string NovaAutoPrefix = "AUTO: ";
        /// <summary>Nova's VMware driver disables (and later re-enables) its compute with exactly this reason (nova/virt/vmwareapi/host.py).</summary>
        public const string NovaVmwareReason = "set by vmwareapi host_state";
        /// <summary>Nova with enable_new_services = False (older releases wrote "New service ...").</summary>
        public const string NovaNewComputeReason = "New compute service disabled due to config option.";
        public const string NovaNewServiceReason = "New service disabled due to config option.";
        /// <summary>The default of Masakari's [host_failure] service_disable_reason.</summary>
        public const string MasakariDefaultReason = "Masakari detected host failed.";
        /// <summary>InstanceHA writes "instanceha evacuation: &lt;time&gt;".</summary>
        public const string InstanceHaPrefix = "instanceha";
        /// <summary>Watcher's strategies write watcher_disabled, watcher_maintaining, ...</summary>
        public const string WatcherPrefix = "watcher_";

        private const string OwnerPattern = @"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}";
        private const string TicketPattern = @"[A-Za-z0-9][A-Za-z0-9._#/:-]{0,63}";
        private static readonly Regex OwnerRegex = new Regex("^" + OwnerPattern + "$", RegexOptions.CultureInvariant);
        private static readonly Regex TicketRegex = new Regex("^" + TicketPattern + "$", RegexOptions.CultureInvariant);
        private static readonly Regex TrailingTicket = new Regex(@"\((" + TicketPattern + @")\)$", RegexOptions.CultureInvariant);
        private static readonly Regex Owned = new Regex(
            @"^\[(?<owner>" + OwnerPattern + @")\](?: (?<text>.*?))??(?: \((?<ticket>" + TicketPattern + @")\))?$",
            RegexOptions.CultureInvariant | RegexOptions.Singleline);

        /// <summary>
        /// Writes <c>[owner] text (ticket)</c> within Nova's 255 characters (Python code points). The owner and the ticket
        /// are never shortened; a text too long for the rest is cut and ends with an ellipsis.
        /// </summary>
        public static string Format(string owner, string? text, string? ticket)
        {
            if (owner == null || !OwnerRegex.IsMatch(owner))
                throw Invalid("Owner", $"Invalid owner '{owner}': 1 to {MaxOwnerLength} letters, digits, '.', '_', '@' or '-', starting with a letter or digit.");
            if (ticket != null && !TicketRegex.IsMatch(ticket))
                throw Invalid("Ticket", $"Invalid ticket '{ticket}': 1 to {MaxTicketLength} letters, digits, '.', '_', '#', '/', ':' or '-', starting with a letter or digit.");
            text = string.IsNullOrWhiteSpace(text) ? null : text!.Trim();
            if (text != null && ticket == null && TrailingTicket.IsMatch(text))
                throw Invalid("Reason", $"The reason '{text}' ends with '(...)', which is where the ticket goes: pass the ticket with -Ticket, or reword the reason.");

            var head = "[" + owner + "]";
            var tail = ticket == null ? "" : " (" + ticket + ")";
            if (text == null) return head + tail;
            var room = Rules.ServiceRules.MaxReasonLength - CodePoints(head) - CodePoints(tail) - 1;
            return head + " " + Truncate(text, room) + tail;
        }

        /// <summary>Reads a reason: the owner and ticket of this module's form, or the tool or Nova that wrote it.</summary>
        public static DisabledReasonInfo Parse(string? reason)
        {
            if (string.IsNullOrEmpty(reason)) return DisabledReasonInfo.None;
            var managedBy = ManagedByOf(reason!);
            if (managedBy != null) return new DisabledReasonInfo(null, null, managedBy, null);
            var match = Owned.Match(reason!);
            if (!match.Success) return DisabledReasonInfo.None;
            return new DisabledReasonInfo(
                match.Groups["owner"].Value,
                match.Groups["ticket"].Success ? match.Groups["ticket"].Value : null,
                null,
                match.Groups["text"].Success && match.Groups["text"].Length > 0 ? match.Groups["text"].Value : null);
        }

        /// <summary>True when the owner names the holder of this reason (owners compare case-insensitively).</summary>
        public static bool IsOwnedBy(string? reason, string owner)
            => string.Equals(Parse(reason).DisabledBy, owner, StringComparison.OrdinalIgnoreCase);

        /// <summary>Who holds a service's disable, for messages: the owner, the tool, or the reason itself.</summary>
        public static string DescribeHolder(ComputeService service)
        {
            if (service.IsDownCell) return "nobody known: its cell is unreachable (status UNKNOWN)";
            var info = Parse(service.DisabledReason);
            if (info.DisabledBy != null) return $"owner '{info.DisabledBy}'" + (info.Ticket == null ? "" : $" (ticket {info.Ticket})");
            if (info.ManagedBy != null) return $"{info.ManagedBy} (reason '{service.DisabledReason}')";
            return string.IsNullOrEmpty(service.DisabledReason)
                ? "an unknown holder (no reason recorded)"
                : $"an unknown holder (reason '{service.DisabledReason}')";
        }

        private static string? ManagedByOf(string reason)
        {
            if (reason.StartsWith(NovaAutoPrefix, StringComparison.Ordinal) || reason == NovaVmwareReason) return "nova-compute";
            if (reason == NovaNewComputeReason || reason == NovaNewServiceReason) return "nova";
            if (reason == MasakariDefaultReason) return "masakari";
            if (reason.StartsWith(InstanceHaPrefix, StringComparison.OrdinalIgnoreCase)) return "instanceha";
            if (reason.StartsWith(WatcherPrefix, StringComparison.Ordinal)) return "watcher";
            return null;
        }

        /// <summary>Nova counts characters as Python does: code points, not UTF-16 units.</summary>
        public static int CodePoints(string text)
        {
            var count = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
                count++;
            }
            return count;
        }

        private static string Truncate(string text, int maxCodePoints)
        {
            if (CodePoints(text) <= maxCodePoints) return text;
            var builder = new StringBuilder();
            var taken = 0;
            var enumerator = StringInfo.GetTextElementEnumerator(text);
            while (enumerator.MoveNext())
            {
                var element = (string)enumerator.Current;
                var size = CodePoints(element);
                if (taken + size > maxCodePoints - 1) break;
                builder.Append(element);
                taken += size;
            }
            return builder.ToString().TrimEnd() + "\u2026";
        }

        private static ComputeServiceException Invalid(string field, string message)
            => new ComputeServiceException(ErrorIds.InvalidServiceUpdate, FailureKind.InvalidArgument, message)
            {
                Target = field,
                RecommendedAction = $"Correct -{field} and retry.",
            };
    }
}
