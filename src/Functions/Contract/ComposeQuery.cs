using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FaceFunctions.Functions.Contract;

/// <summary>
/// The body of POST /api/compose (and the field "query" of /api/compose/form). What it means is checked against the
/// served model in one place, <see cref="Api.QueryTerms"/>; what does not bind is explained by <see cref="Explain"/>.
/// </summary>
[Description("The query vector is the sum of the terms (and the image's vector), made non-negative and unit length.")]
public sealed record ComposeQuery(
    FacetTerms? Add = null,
    FacetTerms? Subtract = null,
    [property: Description("A gallery image whose vector is added (not with an uploaded image).")] string? ImageId = null,
    [property: Description("Facets whose value, as predicted for the image, is taken away from it (with imageId or an upload).")]
    IReadOnlyList<string>? SubtractPredicted = null,
    [property: Description("Only gallery images whose value of each named facet is one of those listed, e.g. {\"person\": [\"KA\"], \"expression\": [\"HA\", \"SU\"]}.")]
    [property: MinItems(1)]
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Filter = null,
    [property: ResultCount] int? K = null)
{
    /// <summary>The members, as JSON names them, for messages.</summary>
    public static readonly IReadOnlyList<string> Members = ["add", "subtract", "imageId", "subtractPredicted", "filter", "k"];

    /// <summary>What the member of the body at <paramref name="misfit"/> (<see cref="ContractJson.Read{T}"/>) must be.</summary>
    public static string Explain(IReadOnlyList<string> misfit, IReadOnlyList<string> facetNames, int maxK) => misfit switch
    {
        [] => $"The query must be a JSON object with {string.Join(", ", Members)}.",
        ["add" or "subtract", var facet, ..] =>
            $"Facet '{facet}' in '{misfit[0]}' takes a value or an object of values to weights, each a positive number (use 'subtract' to take away).",
        ["add" or "subtract"] => $"'{misfit[0]}' must be an object of facet names to a value or to {{value: weight}}, e.g. {{\"{facetNames[0]}\": \"...\"}}.",
        ["subtractPredicted", ..] => $"'subtractPredicted' must be an array of facet names from: {string.Join(", ", facetNames)}.",
        ["filter", ..] => $"'filter' must be an object of facet names to arrays of one or more values, e.g. {{\"{facetNames[0]}\": [\"...\"]}}.",
        ["imageId", ..] => "'imageId' must be the id of a gallery image, as a string.",
        ["k", ..] => ResultCount.Rule(maxK, "a number that is not one"),
        [var other, ..] => $"Unknown property '{other}'; allowed: {string.Join(", ", Members)}.",
    };
}

/// <summary>Facet names to their values and weights: {"expression": {"HA": 1}}, or {"expression": "HA"} for weight 1.</summary>
[Description("Facet name to its values and weights, e.g. {\"expression\": {\"HA\": 1}}. A single value may also be sent as a " +
             "string ({\"expression\": \"HA\"}), which is weight 1.")]
public sealed class FacetTerms : Dictionary<string, FacetWeights>
{
    public FacetTerms() : base(StringComparer.Ordinal)
    {
    }
}

/// <summary>Values of one facet and their weights; read from an object of numbers, or from one value as a string (weight 1).</summary>
[JsonConverter(typeof(Converter))]
public sealed class FacetWeights : Dictionary<string, double>, IHasJsonSchema
{
    public FacetWeights() : base(StringComparer.Ordinal)
    {
    }

    /// <summary>The object form only: client generators model a string-or-object member poorly, and the string is a shorthand.</summary>
    public static JsonObject Schema => new()
    {
        ["type"] = "object",
        ["description"] = "Values of one facet and their positive weights, e.g. {\"KA\": 2, \"KM\": 1}.",
        ["additionalProperties"] = new JsonObject { ["type"] = "number", ["format"] = "double", ["minimum"] = 0, ["exclusiveMinimum"] = true },
    };

    private sealed class Converter : JsonConverter<FacetWeights>
    {
        public override FacetWeights Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var weights = new FacetWeights();
            if (reader.TokenType == JsonTokenType.String)
            {
                weights[reader.GetString()!] = 1;
                return weights;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new JsonException("A value or an object of values to weights.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var value = reader.GetString()!;
                if (!reader.Read() || reader.TokenType != JsonTokenType.Number)
                    throw new JsonException($"The weight of \"{value}\" is not a number.");
                weights[value] = reader.GetDouble();
            }
            return weights;
        }

        public override void Write(Utf8JsonWriter writer, FacetWeights value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (name, weight) in value)
                writer.WriteNumber(name, weight);
            writer.WriteEndObject();
        }
    }
}
