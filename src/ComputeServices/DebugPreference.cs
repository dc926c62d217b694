using System.Management.Automation;

namespace ComputeServices.Commands
{
    internal static class DebugPreference
    {
        /// <summary>
        /// Whether this command's Debug stream is shown (-Debug, or $DebugPreference other than SilentlyContinue/Ignore):
        /// when it is not, the engine does not even turn request and response bodies into text.
        /// </summary>
        public static bool IsDebugWanted(this PSCmdlet cmdlet)
        {
            if (cmdlet.MyInvocation.BoundParameters.TryGetValue("Debug", out var bound))
                return bound is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(bound);
            var preference = cmdlet.GetVariableValue("DebugPreference");
            if (preference is ActionPreference action)
                return action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore;
            return preference != null && LanguagePrimitives.TryConvertTo(preference, out ActionPreference converted)
                && converted != ActionPreference.SilentlyContinue && converted != ActionPreference.Ignore;
        }
    }
}
