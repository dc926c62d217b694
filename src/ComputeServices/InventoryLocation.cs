using System;
using System.IO;

namespace ComputeServices.Commands
{
    /// <summary>Where the local inventory lives when no -InventoryPath is given.</summary>
    internal static class InventoryLocation
    {
        public const string EnvironmentVariable = "COMPUTESERVICES_INVENTORY";

        public static string? FromEnvironment()
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }

        /// <summary>%LOCALAPPDATA%\ComputeServices\inventory.json on Windows; $XDG_DATA_HOME (or ~/.local/share)/ComputeServices/inventory.json elsewhere.</summary>
        public static string PerUserDefault()
        {
            string root;
            if (Path.DirectorySeparatorChar == '\\')
            {
                root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            }
            else
            {
                var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
                root = !string.IsNullOrEmpty(xdg)
                    ? xdg!
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            }
            return Path.Combine(root, "ComputeServices", "inventory.json");
        }
    }
}
