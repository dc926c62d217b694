using System;
using System.Collections.Generic;
using System.Globalization;

namespace ComputeServices.Inventory
{
    /// <summary>Checks what JSON parsing cannot: required fields, unique ids, and values Nova would never hold.</summary>
    internal static class InventoryValidator
    {
        public static void Validate(InventoryDocument document, string path)
        {
            if (document.Settings == null) throw InventoryFile.Corrupt(path, "'settings' must be an object.");
            if (document.Settings.ServiceDownTime <= 0)
                throw InventoryFile.Corrupt(path, $"settings.service_down_time must be a positive number of seconds, not {document.Settings.ServiceDownTime}.");
            Require(path, "settings.default_availability_zone", document.Settings.DefaultAvailabilityZone);
            Require(path, "settings.internal_service_availability_zone", document.Settings.InternalServiceAvailabilityZone);

            if (document.Services == null) throw InventoryFile.Corrupt(path, "'services' must be an array.");
            var uuids = new HashSet<Guid>();
            var ids = new HashSet<long>();
            var hostBinaries = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < document.Services.Count; i++)
            {
                var s = document.Services[i];
                var at = $"services[{i}]";
                if (s == null) throw InventoryFile.Corrupt(path, $"{at} is null.");
                Require(path, at + ".uuid", s.Uuid);
                Require(path, at + ".host", s.Host);
                Require(path, at + ".binary", s.Binary);
                if (!Guid.TryParse(s.Uuid, out var uuid)) throw InventoryFile.Corrupt(path, $"{at}.uuid '{s.Uuid}' is not a UUID.");
                if (s.Id <= 0) throw InventoryFile.Corrupt(path, $"{at}.id must be a positive integer, not {s.Id.ToString(CultureInfo.InvariantCulture)}.");
                // Compared as values: the same uuid spelled two ways would otherwise let a lookup hit the wrong service.
                if (!uuids.Add(uuid)) throw InventoryFile.Corrupt(path, $"{at}.uuid '{s.Uuid}' is used by more than one service.");
                if (!ids.Add(s.Id)) throw InventoryFile.Corrupt(path, $"{at}.id {s.Id.ToString(CultureInfo.InvariantCulture)} is used by more than one service.");
                // A compute host name can be in two cells (exported from a multi-cell cloud); any other service is one per host.
                if (!hostBinaries.Add(s.Binary + "@" + s.Host) && s.Binary != ServiceBinaries.Compute) throw InventoryFile.Corrupt(path, $"{at}: host '{s.Host}' has more than one '{s.Binary}' service.");
                if (s.DisabledReason != null && Rules.ServiceRules.CharacterCount(s.DisabledReason) > Rules.ServiceRules.MaxReasonLength)
                    throw InventoryFile.Corrupt(path, $"{at}.disabled_reason is longer than {Rules.ServiceRules.MaxReasonLength} characters.");
            }

            if (document.ComputeNodes == null) throw InventoryFile.Corrupt(path, "'compute_nodes' must be an array.");
            for (var i = 0; i < document.ComputeNodes.Count; i++)
            {
                var n = document.ComputeNodes[i] ?? throw InventoryFile.Corrupt(path, $"compute_nodes[{i}] is null.");
                Require(path, $"compute_nodes[{i}].host", n.Host);
                Require(path, $"compute_nodes[{i}].hypervisor_hostname", n.HypervisorHostname);
            }

            if (document.Instances == null) throw InventoryFile.Corrupt(path, "'instances' must be an array.");
            for (var i = 0; i < document.Instances.Count; i++)
            {
                var n = document.Instances[i] ?? throw InventoryFile.Corrupt(path, $"instances[{i}] is null.");
                Require(path, $"instances[{i}].uuid", n.Uuid);
            }

            if (document.Migrations == null) throw InventoryFile.Corrupt(path, "'migrations' must be an array.");
            for (var i = 0; i < document.Migrations.Count; i++)
            {
                var m = document.Migrations[i] ?? throw InventoryFile.Corrupt(path, $"migrations[{i}] is null.");
                Require(path, $"migrations[{i}].uuid", m.Uuid);
                Require(path, $"migrations[{i}].status", m.Status);
            }

            if (document.Aggregates == null) throw InventoryFile.Corrupt(path, "'aggregates' must be an array.");
            for (var i = 0; i < document.Aggregates.Count; i++)
            {
                var a = document.Aggregates[i] ?? throw InventoryFile.Corrupt(path, $"aggregates[{i}] is null.");
                Require(path, $"aggregates[{i}].name", a.Name);
                if (a.Hosts == null) throw InventoryFile.Corrupt(path, $"aggregates[{i}].hosts must be an array.");
                if (a.Metadata == null) throw InventoryFile.Corrupt(path, $"aggregates[{i}].metadata must be an object.");
            }
        }

        private static void Require(string path, string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) throw InventoryFile.Corrupt(path, $"{field} is missing or empty.");
        }
    }
}
