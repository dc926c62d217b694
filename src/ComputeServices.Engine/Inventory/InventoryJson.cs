using System.Text.Json;
using System.Text.Json.Serialization;

namespace ComputeServices.Inventory
{
    /// <summary>
    /// The inventory's JSON contract, generated at build time: no reflection at the first read of a process, and a
    /// direct writer for the document (a 100,000-host file is read and written several times faster).
    /// </summary>
    [JsonSourceGenerationOptions(WriteIndented = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
    [JsonSerializable(typeof(InventoryDocument))]
    internal sealed partial class InventoryJson : JsonSerializerContext
    {
    }
}
