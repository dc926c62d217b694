using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;

namespace ComputeServices.Commands
{
    /// <summary>
    /// PowerShell's property view of a <see cref="ComputeService"/>: its .NET properties, in their order, with their values,
    /// except that UpdatedAt is the DateTime wrapped by <see cref="UtcTimestamp"/>, whose text says UTC. Export-Csv and
    /// ConvertTo-Csv write a value's plain ToString(), culture text without a zone. The wrapping is done here, where the
    /// properties are listed, because a types.ps1xml member of the same name would shadow the property and move its CSV
    /// column first (type-table members are listed before adapted ones). Registered at import by <see cref="ModuleInitializer"/>.
    /// </summary>
    public sealed class ComputeServiceAdapter : PSPropertyAdapter
    {
        private sealed class Property
        {
            public Property(PropertyInfo info)
            {
                Info = info;
                var service = Expression.Parameter(typeof(ComputeService));
                Get = Expression.Lambda<Func<ComputeService, object?>>(
                    Expression.Convert(Expression.Property(service, info), typeof(object)), service).Compile();
            }

            public PropertyInfo Info { get; }
            public Func<ComputeService, object?> Get { get; }
            public bool IsTimestamp => Info.Name == nameof(ComputeService.UpdatedAt);
        }

        // The order PowerShell's own .NET adapter lists them in, so CSV columns and Format-List * stay where they were.
        private static readonly Property[] Properties = typeof(ComputeService)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => new Property(p))
            .ToArray();

        private static readonly Dictionary<string, Property> ByName = Properties.ToDictionary(p => p.Info.Name, StringComparer.OrdinalIgnoreCase);

        public override Collection<PSAdaptedProperty> GetProperties(object baseObject)
        {
            var result = new Collection<PSAdaptedProperty>();
            foreach (var property in Properties) result.Add(new PSAdaptedProperty(property.Info.Name, property));
            return result;
        }

        public override PSAdaptedProperty? GetProperty(object baseObject, string propertyName)
            => propertyName != null && ByName.TryGetValue(propertyName, out var property) ? new PSAdaptedProperty(property.Info.Name, property) : null;

        public override object? GetPropertyValue(PSAdaptedProperty adaptedProperty)
        {
            var property = (Property)adaptedProperty.Tag;
            var value = property.Get((ComputeService)adaptedProperty.BaseObject);
            return property.IsTimestamp && value is DateTime timestamp ? new UtcTimestamp(timestamp) : value;
        }

        // As PowerShell's .NET adapter names it (Get-Member: System.Nullable[datetime]).
        public override string GetPropertyTypeName(PSAdaptedProperty adaptedProperty)
            => Microsoft.PowerShell.ToStringCodeMethods.Type(PSObject.AsPSObject(((Property)adaptedProperty.Tag).Info.PropertyType));

        public override bool IsGettable(PSAdaptedProperty adaptedProperty) => true;

        public override bool IsSettable(PSAdaptedProperty adaptedProperty) => false;

        public override void SetPropertyValue(PSAdaptedProperty adaptedProperty, object value)
            => throw new SetValueException($"'{adaptedProperty.Name}' is a ReadOnly property.");
    }
}
