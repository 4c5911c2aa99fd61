using System.Text.Json.Nodes;
using FaceFunctions.Functions.Serving;
using static FaceFunctions.Functions.Api.OpenApiDocument;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// The OpenAPI document's schemas: every property a response always carries is required, integers have a format and
/// bounds. Facet names are the model's data, not the API's (person and expression, or subject and condition), so
/// labels and facet terms are maps.
/// </summary>
public static class OpenApiSchemas
{
    public static JsonObject All(ServingOptions options) => new()
    {
        ["FacetWeights"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Values of one facet and their positive weights, e.g. {\"KA\": 2, \"KM\": 1}.",
            ["additionalProperties"] = new JsonObject { ["type"] = "number", ["format"] = "double", ["minimum"] = 0, ["exclusiveMinimum"] = true },
        },
        ["FacetTerms"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Facet name to its values and weights, e.g. {\"expression\": {\"HA\": 1}}. A single value may also be sent as a " +
                              "string ({\"expression\": \"HA\"}), which is weight 1.",
            ["additionalProperties"] = Ref("FacetWeights"),
        },
        ["ComposeQuery"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "The query vector is the sum of the terms (and the image's vector), made non-negative and unit length.",
            ["properties"] = new JsonObject
            {
                ["add"] = Ref("FacetTerms"),
                ["subtract"] = Ref("FacetTerms"),
                ["imageId"] = new JsonObject { ["type"] = "string", ["description"] = "A gallery image whose vector is added (not with an uploaded image)." },
                ["subtractPredicted"] = new JsonObject
                {
                    ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" },
                    ["description"] = "Facets whose value, as predicted for the image, is taken away from it (with imageId or an upload).",
                },
                ["filter"] = Filter(),
                ["k"] = K(options),
            },
        },
        ["SearchResult"] = Required(new JsonObject
        {
            ["id"] = String("The gallery image's id."),
            ["labels"] = new JsonObject { ["type"] = "object", ["description"] = "Facet name to the image's value.", ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
            ["score"] = new JsonObject { ["type"] = "number", ["format"] = "float", ["description"] = "Cosine similarity to the query." },
            ["image"] = String("The path of the gallery image (GET, with the same key)."),
        }),
        ["SearchResponse"] = Required(new JsonObject
        {
            ["modelVersion"] = String("The model that answered."),
            ["results"] = new JsonObject { ["type"] = "array", ["items"] = Ref("SearchResult"), ["description"] = "Best first." },
        }, optional: new JsonObject { ["face"] = Nullable("FaceResult", "What the face step found in an uploaded image; null without an upload or a face step.") }),
        ["FaceResult"] = Required(new JsonObject
        {
            ["found"] = Integer("How many faces the face step found.", minimum: 0),
        }, "What the model's face step found in an uploaded image.", new JsonObject { ["box"] = Nullable("FaceBox", "The face that was searched; null when none was found.") }),
        ["FaceBox"] = Required(new JsonObject
        {
            ["x"] = Float("Left edge, pixels of the upright image."), ["y"] = Float("Top edge."),
            ["width"] = Float("Width in pixels."), ["height"] = Float("Height in pixels."),
        }, "The box of the face that was searched."),
        ["Labels"] = Required(new JsonObject
        {
            ["modelVersion"] = String("The model that answered."),
            ["facets"] = new JsonObject { ["type"] = "array", ["items"] = Ref("Facet") },
        }),
        ["Facet"] = Required(new JsonObject
        {
            ["name"] = String("The facet's name."),
            ["values"] = new JsonObject { ["type"] = "array", ["items"] = Ref("FacetValue") },
        }),
        ["FacetValue"] = Required(new JsonObject
        {
            ["value"] = String("The value."),
            ["images"] = Integer("Gallery images with this value.", minimum: 0),
        }),
        ["Health"] = Health(),
        ["LoadError"] = Required(new JsonObject
        {
            ["reason"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(Enum.GetNames<LoadFailureKind>().Select(n => (JsonNode)n).ToArray()) },
            ["message"] = String("What is wrong."),
            ["sinceUtc"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        }, "What is wrong now while an older model serves."),
        ["ProblemDetails"] = Required(new JsonObject
        {
            ["type"] = String("A URI for the kind of problem."),
            ["title"] = String("What went wrong, in short."),
            ["status"] = Integer("The HTTP status.", minimum: 100, maximum: 599),
            ["detail"] = String("What was wrong with this request and what is allowed."),
        }, "RFC 7807 problem details; a 503 adds reason and sinceUtc."),
    };

    /// <summary>A compose body's filter: facet name to the values a result may have.</summary>
    private static JsonObject Filter() => new()
    {
        ["type"] = "object",
        ["description"] = "Only gallery images whose value of each named facet is one of those listed, e.g. {\"person\": [\"KA\"], \"expression\": [\"HA\", \"SU\"]}.",
        ["additionalProperties"] = new JsonObject { ["type"] = "array", ["minItems"] = 1, ["items"] = new JsonObject { ["type"] = "string" } },
    };

    /// <summary>How many results: the setting's default and limit.</summary>
    public static JsonObject K(ServingOptions options) =>
        Integer("How many results.", minimum: 1, maximum: options.MaxK, @default: options.DefaultK);

    private static JsonObject Health() => Required(new JsonObject
    {
        ["status"] = String("\"ok\" when a model serves."),
        ["modelVersion"] = String("The model that serves."),
        ["loadedAtUtc"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        ["galleryCount"] = Integer("Gallery images.", minimum: 0),
        ["dimensions"] = Integer("The embedding's size.", minimum: 1),
        ["executionProvider"] = String("Where ONNX Runtime runs the model (CPU, CUDA)."),
    }, optional: new JsonObject { ["lastLoadError"] = Nullable("LoadError", "What is wrong now; null when the published model serves.") });

    /// <summary>An object schema whose <paramref name="required"/> properties are always there, and the <paramref name="optional"/> ones may be.</summary>
    private static JsonObject Required(JsonObject required, string? description = null, JsonObject? optional = null)
    {
        var properties = new JsonObject();
        foreach (var (name, schema) in required.Concat(optional ?? []).ToList())
            properties[name] = schema!.DeepClone();
        var schemaObject = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray(required.Select(p => (JsonNode)p.Key).ToArray()),
            ["properties"] = properties,
        };
        if (description is not null)
            schemaObject["description"] = description;
        return schemaObject;
    }

    /// <summary>A reference that may be null (OpenAPI 3.0 ignores keywords beside a bare $ref).</summary>
    private static JsonObject Nullable(string schema, string description) => new()
    {
        ["type"] = "object", ["allOf"] = new JsonArray(Ref(schema)), ["nullable"] = true, ["description"] = description,
    };

    private static JsonObject String(string description) => new() { ["type"] = "string", ["description"] = description };

    private static JsonObject Float(string description) => new() { ["type"] = "number", ["format"] = "float", ["description"] = description };

    private static JsonObject Integer(string description, int minimum, int? maximum = null, int? @default = null)
    {
        var schema = new JsonObject { ["type"] = "integer", ["format"] = "int32", ["minimum"] = minimum, ["description"] = description };
        if (maximum is not null)
            schema["maximum"] = maximum;
        if (@default is not null)
            schema["default"] = @default;
        return schema;
    }
}
