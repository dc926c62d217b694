using System.Management.Automation;

namespace ComputeServices.Commands
{
    /// <summary>
    /// What a common parameter or its preference variable asks of this command: the parameter when it is bound,
    /// else the caller's <c>$...Preference</c> variable, as PowerShell itself resolves them.
    /// </summary>
    internal static class Preferences
    {
        /// <summary>
        /// Whether this command's Debug stream is shown (-Debug, or $DebugPreference other than SilentlyContinue/Ignore):
        /// when it is not, the engine does not even turn request and response bodies into text.
        /// </summary>
        public static bool IsDebugWanted(this PSCmdlet cmdlet)
        {
            var value = Effective(cmdlet, "Debug", "DebugPreference");
            if (value is SwitchParameter || value is bool) return LanguagePrimitives.IsTrue(value);
            return value != null && LanguagePrimitives.TryConvertTo(value, out ActionPreference action)
                && action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore;
        }

        /// <summary>-WhatIf, or $WhatIfPreference.</summary>
        public static bool IsWhatIf(this PSCmdlet cmdlet) => LanguagePrimitives.IsTrue(Effective(cmdlet, "WhatIf", "WhatIfPreference"));

        /// <summary>-ErrorAction Stop, or $ErrorActionPreference = 'Stop': a non-terminating error stops the command.</summary>
        public static bool ErrorsStop(this PSCmdlet cmdlet)
            => LanguagePrimitives.TryConvertTo(Effective(cmdlet, "ErrorAction", "ErrorActionPreference"), out ActionPreference action)
               && action == ActionPreference.Stop;

        private static object? Effective(PSCmdlet cmdlet, string parameter, string variable)
            => cmdlet.MyInvocation.BoundParameters.TryGetValue(parameter, out var bound) ? bound : cmdlet.GetVariableValue(variable);
    }
}
