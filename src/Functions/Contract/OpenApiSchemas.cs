using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using FaceFunctions.Functions.Serving;

namespace FaceFunctions.Functions.Contract;

/// <summary>
/// The OpenAPI document's schemas, generated from the contract's records by System.Text.Json's schema exporter with
/// the options that read and write them (<see cref="ContractJson"/>), then put in OpenAPI 3.0's terms: each record is a
/// component referenced by name, a member that may be null says "nullable", numbers carry their format, and
/// [Description], [Range], [MinItems] and [ResultCount] become the keywords they stand for.
/// </summary>
public static class OpenApiSchemas
{
    /// <summary>The components, each named by its type: what client generators turn into classes.</summary>
    public static readonly IReadOnlyList<Type> Components =
    [
        typeof(FacetWeights), typeof(FacetTerms), typeof(ComposeQuery), typeof(SearchResult), typeof(SearchResponse), typeof(FaceResult),
        typeof(FaceBox), typeof(Labels), typeof(Facet), typeof(FacetValue), typeof(Health), typeof(LoadError), typeof(ProblemDetails),
        typeof(AddedGalleryImage), typeof(GalleryPage), typeof(GalleryImage), typeof(ErasedImages),
    ];

    /// <summary>
    /// The records the API reads. They refuse members they do not have ("additionalProperties": false), and a member
    /// left out is as good as null, so their optional members are not said to be nullable. The records it answers may
    /// gain members, which clients must ignore.
    /// </summary>
    private static readonly IReadOnlyList<Type> Requests = [typeof(ComposeQuery)];

    public static JsonObject All(ServingOptions options)
    {
        var schemas = new JsonObject();
        foreach (var type in Components)
            schemas[type.Name] = Generate(type, options);
        return schemas;
    }

    public static JsonObject Ref(Type component) => new() { ["$ref"] = $"#/components/schemas/{component.Name}" };

    /// <summary>The schema of k where it is a query parameter, from the same rule as in a body.</summary>
    public static JsonObject ResultCountSchema(ServingOptions options) => ResultCountKeywords(new JsonObject { ["type"] = "integer", ["format"] = "int32" }, options);

    private static JsonObject Generate(Type root, ServingOptions options)
    {
        if (OwnSchema(root) is { } own)
            return own;
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => Transform(root, context, node, options),
        };
        return (JsonObject)ContractJson.Options.GetJsonSchemaAsNode(root, exporter);
    }

    private static JsonNode Transform(Type root, JsonSchemaExporterContext context, JsonNode node, ServingOptions options)
    {
        var type = Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type;
        var schema = node as JsonObject ?? [];
        var nullable = WithoutNull(schema) && !Requests.Contains(root);
        schema.Remove("default"); // the exporter's "default": null for optional members, which OpenAPI 3.0 reads as a value
        if (type == root && !Requests.Contains(root))
            schema.Remove("additionalProperties");
        if (type != root && Components.Contains(type))
            schema = Ref(type);
        else if (OwnSchema(type) is { } own)
            schema = own;
        else if (DictionaryValue(type) is { } value && Components.Contains(value))
            schema["additionalProperties"] = Ref(value); // the exporter leaves out a value whose converter is its own
        else
            Format(schema, type);
        var attributes = context.PropertyInfo?.AttributeProvider ?? (type == root ? type : null);
        if (attributes is not null)
            schema = Annotate(schema, attributes, options);
        if (nullable && context.PropertyInfo is not null)
            schema = MayBeNull(schema);
        return schema;
    }

    /// <summary>Takes "null" out of a type list ("type": ["object", "null"]) and out of an enum; says whether it was there.</summary>
    private static bool WithoutNull(JsonObject schema)
    {
        var found = false;
        if (schema["type"] is JsonArray types)
        {
            var named = types.Select(t => t!.GetValue<string>()).ToList();
            found = named.Remove("null");
            schema["type"] = named.Count == 1 ? named[0] : new JsonArray(named.Select(n => (JsonNode)n).ToArray());
        }
        if (schema["enum"] is JsonArray values && values.Any(v => v is null))
        {
            found = true;
            schema["enum"] = new JsonArray(values.Where(v => v is not null).Select(v => v!.DeepClone()).ToArray());
        }
        return found;
    }

    /// <summary>The value type of a dictionary with string keys; null for other types.</summary>
    private static Type? DictionaryValue(Type type) =>
        type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))
            ?.GetGenericArguments()[1];

    private static void Format(JsonObject schema, Type type)
    {
        if (type.IsEnum)
        {
            schema["type"] = "string"; // written by name (JsonStringEnumConverter)
            return;
        }
        var format = Type.GetTypeCode(type) switch
        {
            TypeCode.Int32 => "int32",
            TypeCode.Int64 => "int64",
            TypeCode.Single => "float",
            TypeCode.Double => "double",
            _ => null,
        };
        if (format is not null)
            schema["format"] = format;
    }

    private static JsonObject Annotate(JsonObject schema, ICustomAttributeProvider attributes, ServingOptions options)
    {
        T? One<T>() where T : Attribute => attributes.GetCustomAttributes(typeof(T), inherit: false).OfType<T>().FirstOrDefault();
        if (schema.ContainsKey("$ref") && attributes is not Type && attributes.GetCustomAttributes(inherit: false).Length > 0)
            schema = new JsonObject { ["allOf"] = new JsonArray(schema) };
        if (One<DescriptionAttribute>() is { } description)
            schema["description"] = description.Description;
        if (One<RangeAttribute>() is { } range)
        {
            schema["minimum"] = Convert.ToInt32(range.Minimum);
            if (Convert.ToInt32(range.Maximum) != int.MaxValue)
                schema["maximum"] = Convert.ToInt32(range.Maximum);
        }
        if (One<MinItemsAttribute>() is { } minItems)
            (schema["additionalProperties"] as JsonObject ?? schema)["minItems"] = minItems.Count;
        if (One<ResultCountAttribute>() is not null)
            ResultCountKeywords(schema, options);
        return schema;
    }

    private static JsonObject ResultCountKeywords(JsonObject schema, ServingOptions options)
    {
        schema["description"] = "How many results.";
        schema["minimum"] = 1;
        schema["maximum"] = options.MaxK;
        schema["default"] = options.DefaultK;
        return schema;
    }

    /// <summary>OpenAPI 3.0 ignores keywords beside a bare $ref: a reference that may be null goes through allOf.</summary>
    private static JsonObject MayBeNull(JsonObject schema)
    {
        if (schema.ContainsKey("$ref"))
            schema = new JsonObject { ["allOf"] = new JsonArray(schema) };
        if (schema.ContainsKey("allOf"))
            schema["type"] = "object";
        schema["nullable"] = true;
        return schema;
    }

    private static JsonObject? OwnSchema(Type type) =>
        type.GetInterfaces().Contains(typeof(IHasJsonSchema))
            ? (JsonObject)type.GetProperty(nameof(IHasJsonSchema.Schema), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!
            : null;
}
