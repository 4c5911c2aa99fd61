using FaceFunctions.Imaging;
using FaceFunctions.Functions.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// GET /api/openapi.json: the OpenAPI 3.0 description of the API, for generating mobile clients; its limits (k) are the
/// ones this deployment's settings enforce.
/// </summary>
public sealed class OpenApiFunction(IOptions<ServingOptions> options)
{
    private readonly object _document = Document(options.Value);

    [Function("OpenApi")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        new OkObjectResult(_document) { ContentTypes = { "application/json" } };

    /// <summary>How many results: the setting's default and limit.</summary>
    private static object K(ServingOptions options) => new { type = "integer", minimum = 1, maximum = options.MaxK, @default = options.DefaultK };

    private static object Ref(string schema) => new Dictionary<string, object> { ["$ref"] = $"#/components/schemas/{schema}" };

    private static object Ok(string description, string schema) =>
        new { description, content = new Dictionary<string, object> { ["application/json"] = new { schema = Ref(schema) } } };

    private static object Problem(string description) =>
        new { description, content = new Dictionary<string, object> { ["application/problem+json"] = new { schema = Ref("ProblemDetails") } } };

    private static readonly Dictionary<string, object> Errors = new()
    {
        ["400"] = Problem("The request is not valid; the detail says what is allowed."),
        ["413"] = Problem("The body or the image is too large."),
        ["415"] = Problem("The media type or image format is not supported."),
        ["422"] = Problem("The model's face step found no face in the image (ask for the whole image with wholeImage=true)."),
        ["503"] = Unavailable("No model is loaded yet, or storage cannot be reached; retry after the seconds in Retry-After."),
    };

    private static object Unavailable(string description) => new
    {
        description,
        headers = new Dictionary<string, object> { ["Retry-After"] = new { description = "Seconds to wait before retrying.", schema = new { type = "integer" } } },
        content = new Dictionary<string, object> { ["application/problem+json"] = new { schema = Ref("ProblemDetails") } },
    };

    private static Dictionary<string, object> Responses(object ok, params string[] statuses)
    {
        var responses = new Dictionary<string, object> { ["200"] = ok };
        foreach (var status in statuses)
            responses[status] = status == "404" ? Problem("No such gallery image.") : Errors[status];
        return responses;
    }

    private static readonly object WholeImage = new
    {
        name = ImageEmbedding.WholeImageParameter, @in = "query", required = false, schema = new { type = "boolean", @default = false },
        description = "With a model that crops faces: search the whole image when no face is found, instead of answering 422.",
    };

    private static readonly object[] KeySecurity = [new Dictionary<string, string[]> { ["functionKey"] = [] }, new Dictionary<string, string[]> { ["functionKeyQuery"] = [] }];

    private static readonly object ImageBody = new
    {
        required = true,
        description = $"An image: {ImageDecoder.AcceptedFormats} (of a GIF or TIFF the first frame; EXIF orientation applied). Other formats get 415.",
        content = new Dictionary<string, object>
        {
            ["image/*"] = new { schema = new { type = "string", format = "binary" } },
            ["application/octet-stream"] = new { schema = new { type = "string", format = "binary" } },
            ["multipart/form-data"] = new { schema = new { type = "object", required = new[] { "image" }, properties = new { image = new { type = "string", format = "binary" } } } },
        },
    };

    public static object Document(ServingOptions options) => new
    {
        openapi = "3.0.3",
        info = new { title = "FaceFunctions", version = "1", description = "Composable image search: facet vectors add up to find images." },
        servers = new[] { new { url = "/" } },
        paths = new Dictionary<string, object>
        {
            ["/api/health"] = new { get = new { operationId = "health", summary = "Whether a model serves, which, and since when.", security = Array.Empty<object>(),
                responses = Responses(Ok("A model serves.", "Health"), "503") } },
            ["/api/labels"] = new { get = new { operationId = "labels", summary = "The facets and their values.", security = KeySecurity,
                responses = Responses(Ok("The facets.", "Labels"), "503") } },
            ["/api/compose"] = new { post = new { operationId = "compose", summary = "Search with a sum of facet values, a gallery image or an uploaded image.", security = KeySecurity,
                parameters = new[] { WholeImage },
                requestBody = new { required = true, content = new Dictionary<string, object>
                {
                    ["application/json"] = new { schema = Ref("ComposeQuery") },
                    ["multipart/form-data"] = new { schema = new { type = "object", required = new[] { "image" }, properties = new Dictionary<string, object>
                    {
                        ["image"] = new { type = "string", format = "binary" },
                        ["query"] = new { type = "string", description = "A ComposeQuery as JSON, without imageId." },
                    } } },
                } },
                responses = Responses(Ok("The nearest gallery images.", "SearchResponse"), "400", "413", "415", "422", "503") } },
            ["/api/search"] = new { post = new { operationId = "search", summary = "Search with an image.", security = KeySecurity,
                parameters = new object[] { new { name = "k", @in = "query", required = false, schema = K(options) }, WholeImage },
                requestBody = ImageBody,
                responses = Responses(Ok("The nearest gallery images.", "SearchResponse"), "400", "413", "415", "422", "503") } },
            ["/api/images/{id}"] = new { get = new { operationId = "image", summary = "A gallery image as PNG.", security = KeySecurity,
                parameters = new[] { new { name = "id", @in = "path", required = true, schema = new { type = "string" } } },
                responses = Responses(new { description = "The image.", content = new Dictionary<string, object> { ["image/png"] = new { schema = new { type = "string", format = "binary" } } } }, "404", "503") } },
            ["/api/openapi.json"] = new { get = new { operationId = "openApi", summary = "This document.", security = Array.Empty<object>(),
                responses = new Dictionary<string, object> { ["200"] = new { description = "OpenAPI 3.0 JSON." } } } },
        },
        components = new
        {
            securitySchemes = new Dictionary<string, object>
            {
                ["functionKey"] = new { type = "apiKey", @in = "header", name = "x-functions-key" },
                ["functionKeyQuery"] = new { type = "apiKey", @in = "query", name = "code" },
            },
            schemas = new Dictionary<string, object>
            {
                ["FacetTerms"] = new { type = "object", description = "Facet name to a value, or to an object of values and positive weights.",
                    additionalProperties = new { oneOf = new object[] { new { type = "string" }, new { type = "object", additionalProperties = new { type = "number", exclusiveMinimum = true, minimum = 0 } } } } },
                ["ComposeQuery"] = new { type = "object", properties = new Dictionary<string, object>
                {
                    ["add"] = Ref("FacetTerms"),
                    ["subtract"] = Ref("FacetTerms"),
                    ["imageId"] = new { type = "string", description = "A gallery image whose vector is added." },
                    ["subtractPredicted"] = new { type = "array", items = new { type = "string" }, description = "Facets whose predicted value is taken away from the image." },
                    ["k"] = K(options),
                } },
                ["SearchResult"] = new { type = "object", required = new[] { "id", "labels", "score", "image" }, properties = new Dictionary<string, object>
                {
                    ["id"] = new { type = "string" },
                    ["labels"] = new { type = "object", additionalProperties = new { type = "string" } },
                    ["score"] = new { type = "number", description = "Cosine similarity." },
                    ["image"] = new { type = "string", description = "Path of the gallery image." },
                } },
                ["SearchResponse"] = new { type = "object", required = new[] { "modelVersion", "results" }, properties = new Dictionary<string, object>
                {
                    ["modelVersion"] = new { type = "string" },
                    ["results"] = new { type = "array", items = Ref("SearchResult") },
                    ["face"] = new { type = "object", nullable = true,
                        description = "What the model's face step found in the uploaded image: how many faces, and the box (pixels of the upright image) of the one searched; null without an upload or a face step.",
                        properties = new Dictionary<string, object>
                        {
                            ["found"] = new { type = "integer" },
                            ["box"] = new { type = "object", nullable = true, properties = new Dictionary<string, object>
                            {
                                ["x"] = new { type = "number" }, ["y"] = new { type = "number" }, ["width"] = new { type = "number" }, ["height"] = new { type = "number" },
                            } },
                        } },
                } },
                ["Labels"] = new { type = "object", properties = new Dictionary<string, object>
                {
                    ["modelVersion"] = new { type = "string" },
                    ["facets"] = new { type = "array", items = new { type = "object", properties = new Dictionary<string, object>
                    {
                        ["name"] = new { type = "string" },
                        ["values"] = new { type = "array", items = new { type = "object", properties = new { value = new { type = "string" }, images = new { type = "integer" } } } },
                    } } },
                } },
                ["Health"] = new { type = "object", properties = new Dictionary<string, object>
                {
                    ["status"] = new { type = "string" },
                    ["modelVersion"] = new { type = "string" },
                    ["loadedAtUtc"] = new { type = "string", format = "date-time" },
                    ["galleryCount"] = new { type = "integer" },
                    ["dimensions"] = new { type = "integer" },
                    ["executionProvider"] = new { type = "string" },
                    ["lastLoadError"] = new { type = "object", nullable = true, description = "What is wrong now; null when the published model serves.",
                        properties = new Dictionary<string, object>
                        {
                            ["reason"] = new { type = "string", @enum = Enum.GetNames<LoadFailureKind>() },
                            ["message"] = new { type = "string" },
                            ["sinceUtc"] = new { type = "string", format = "date-time" },
                        } },
                } },
                ["ProblemDetails"] = new { type = "object", properties = new Dictionary<string, object>
                {
                    ["type"] = new { type = "string" }, ["title"] = new { type = "string" }, ["status"] = new { type = "integer" },
                    ["detail"] = new { type = "string" },
                } },
            },
        },
    };
}
