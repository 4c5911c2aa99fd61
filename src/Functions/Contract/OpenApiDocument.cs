using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using FaceFunctions.Functions.Access;
using FaceFunctions.Functions.Api;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Imaging;
using FaceFunctions.Options;
using Microsoft.Azure.Functions.Worker;

namespace FaceFunctions.Functions.Contract;

/// <summary>
/// The OpenAPI 3.0 description of the API, shaped for client generators (Kiota, NSwag): one media type family per
/// operation (raw image bodies on /api/search, multipart on the /form routes, JSON on /api/compose), every response a
/// client can meet, and bounds from this deployment's settings. Generated: the paths from the functions' triggers and
/// their <see cref="OperationAttribute"/>, every body's schema from the record the functions read or answer
/// (<see cref="OpenApiSchemas"/>). tests/FaceFunctions.Tests/Clients generates clients
/// from it and calls every operation.
/// </summary>
public static class OpenApiDocument
{
    public static JsonObject Build(ServingOptions options, AccessOptions access) => new()
    {
        ["openapi"] = "3.0.3",
        ["info"] = new JsonObject
        {
            ["title"] = "FaceFunctions",
            ["version"] = "1.0.0",
            ["description"] = "Composable image search: the vectors of facet values (a person, an expression) add up to find the image " +
                              "with those values. Operations other than health, this document and the page take a bearer token (OAuth 2.0, from the " +
                              "deployment's issuer) or a service key (the x-functions-key header or the code query parameter); docs/access.md.",
            ["contact"] = new JsonObject { ["name"] = "FaceFunctions" },
        },
        ["servers"] = new JsonArray(
            new JsonObject
            {
                ["url"] = "https://{functionApp}.azurewebsites.net",
                ["description"] = "The function app in Azure.",
                ["variables"] = new JsonObject { ["functionApp"] = new JsonObject { ["default"] = "facefunctions", ["description"] = "The function app's name." } },
            },
            new JsonObject { ["url"] = "http://localhost:7071", ["description"] = "Local: func start, or the local host (scripts/demo.sh)." }),
        ["tags"] = new JsonArray(
            Tag(ApiTag.Search, "Find gallery images by facet values, by an image, or by both."),
            Tag(ApiTag.Gallery, "What the served model knows: its facets and its gallery images; adding and erasing images (admin)."),
            Tag(ApiTag.Service, "The service itself: health and this document.")),
        ["paths"] = Paths(options, access),
        ["components"] = new JsonObject
        {
            ["securitySchemes"] = new JsonObject
            {
                [BearerScheme] = new JsonObject
                {
                    ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT",
                    ["description"] = $"An OAuth 2.0 access token from the deployment's issuer (Microsoft Entra ID, External ID) for this API: " +
                                      $"the scope or app role '{access.ReadScope}' reads, '{access.WriteScope}' changes the gallery.",
                },
                [KeyScheme] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = CallerGate.KeyHeader, ["description"] = "A service key: services and back offices, never an app." },
                [KeyQueryScheme] = new JsonObject { ["type"] = "apiKey", ["in"] = "query", ["name"] = CallerGate.KeyQuery, ["description"] = "The same key as a query parameter (the header wins when both are sent)." },
            },
            ["schemas"] = OpenApiSchemas.All(options),
        },
    };

    private const string BearerScheme = "bearer";
    private const string KeyScheme = "serviceKey";
    private const string KeyQueryScheme = "serviceKeyQuery";

    private static JsonObject Tag(ApiTag tag, string description) => new() { ["name"] = Choices.NameOf(tag), ["description"] = description };

    /// <summary>Every function with an <see cref="OperationAttribute"/>, at its trigger's route and method.</summary>
    private static JsonObject Paths(ServingOptions options, AccessOptions access)
    {
        var paths = new JsonObject();
        foreach (var (route, method, operation) in Operations())
        {
            var path = paths[$"/api/{route}"] as JsonObject ?? (JsonObject)(paths[$"/api/{route}"] = new JsonObject());
            path[method] = Describe(operation, options, access);
        }
        return paths;
    }

    private static IEnumerable<(string Route, string Method, OperationAttribute Operation)> Operations() =>
        typeof(OpenApiDocument).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Select(method => (Operation: method.GetCustomAttribute<OperationAttribute>(),
                Trigger: method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(t => t is not null)))
            .Where(f => f.Operation is not null && f.Trigger is not null)
            .Select(f => (f.Trigger!.Route!, f.Trigger.Methods!.Single(), f.Operation!))
            .OrderBy(f => f.Item1, StringComparer.Ordinal).ThenBy(f => f.Item2, StringComparer.Ordinal);

    private static JsonObject Describe(OperationAttribute operation, ServingOptions options, AccessOptions access)
    {
        var described = Operation(operation, access, Success(operation),
            operation.Problems.Select(status => status.ToString(CultureInfo.InvariantCulture)).ToArray());
        if (operation.Parameters.Length > 0)
            described["parameters"] = new JsonArray(operation.Parameters.Select(p => (JsonNode)Parameter(p, options)).ToArray());
        if (Body(operation.Request) is { } body)
            described["requestBody"] = body;
        return described;
    }

    /// <summary>The success: a record's JSON, this document, a PNG, or no body (204).</summary>
    private static JsonObject Success(OperationAttribute operation)
    {
        if (operation.Answer == typeof(void))
            return new JsonObject { ["description"] = operation.Answered };
        if (operation.Status == 201)
            return Ok(operation.Answered, Json(Ref(operation.Answer)))
                .With("headers", new JsonObject { ["Location"] = Header("The path of the added image.", "string") });
        if (operation.Answer == typeof(JsonObject))
            return Ok(operation.Answered, Json(new JsonObject { ["type"] = "object" }));
        if (operation.Answer != typeof(byte[]))
            return Ok(operation.Answered, Json(Ref(operation.Answer)));
        return new JsonObject
        {
            // 304 is left out of the responses: Kiota makes an operation with a response that has no body return
            // nothing, and generated clients send no If-None-Match of their own.
            ["description"] = operation.Answered,
            ["headers"] = new JsonObject { ["ETag"] = Header("The image's version, for If-None-Match.", "string") },
            ["content"] = new JsonObject { ["image/png"] = new JsonObject { ["schema"] = Binary("PNG bytes.") } },
        };
    }

    private static JsonObject? Body(RequestShape shape) => shape switch
    {
        RequestShape.Query => new JsonObject { ["required"] = true, ["content"] = Json(Ref(typeof(ComposeQuery))) },
        RequestShape.ImageAndQuery => Form(new JsonObject
        {
            [Upload.ImageField] = Binary("The image."),
            [Upload.QueryField] = Ref(typeof(ComposeQuery)),
        }, new JsonObject { [Upload.QueryField] = new JsonObject { ["contentType"] = "application/json" } }),
        RequestShape.Image => new JsonObject
        {
            ["required"] = true,
            ["description"] = ImageDescription + " A multipart form is accepted here too; generated clients use /api/search/form for it.",
            ["content"] = ImageContent(),
        },
        RequestShape.ImageForm => Form(new JsonObject { [Upload.ImageField] = Binary(ImageDescription) }, null),
        RequestShape.ImageWithLabels => Form(new JsonObject
        {
            [Upload.ImageField] = Binary(ImageDescription),
            [Upload.LabelsField] = new JsonObject
            {
                ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = GalleryChanges.GalleryChangeChecks.MaxValueLength },
                ["description"] = "Facet name to value, every facet optional; a value the model never learned (a new person) gets its own vector.",
            },
            [Upload.ReferenceField] = new JsonObject
            {
                ["type"] = "string", ["maxLength"] = GalleryChanges.GalleryChangeChecks.MaxReferenceLength, ["description"] = "Your own reference for the image, answered with it.",
            },
        }, new JsonObject { [Upload.LabelsField] = new JsonObject { ["contentType"] = "application/json" } }),
        _ => null,
    };

    private static JsonObject Parameter(OperationParameter parameter, ServingOptions options) => parameter switch
    {
        OperationParameter.K => K(options),
        OperationParameter.WholeImage => WholeImage(),
        OperationParameter.Filter => Filter(),
        OperationParameter.After => new JsonObject
        {
            ["name"] = GalleryListFunction.AfterParameter, ["in"] = "query", ["required"] = false,
            ["description"] = "The 'next' of the page before; absent for the first page.", ["schema"] = new JsonObject { ["type"] = "string" },
        },
        OperationParameter.Limit => new JsonObject
        {
            ["name"] = GalleryListFunction.LimitParameter, ["in"] = "query", ["required"] = false, ["description"] = "The most images on the page.",
            ["schema"] = new JsonObject
            {
                ["type"] = "integer", ["format"] = "int32", ["minimum"] = 1, ["maximum"] = GalleryListFunction.MaxLimit, ["default"] = GalleryListFunction.DefaultLimit,
            },
        },
        _ => new JsonObject
        {
            ["name"] = "id", ["in"] = "path", ["required"] = true, ["description"] = "A gallery image's id.",
            ["schema"] = new JsonObject { ["type"] = "string", ["minLength"] = 1 },
        },
    };

    private static readonly string ImageDescription =
        $"An image: {ImageDecoder.AcceptedFormats} (of a GIF or TIFF the first frame; EXIF orientation applied). Other formats get 415.";

    /// <summary>The accepted image types and application/octet-stream, all raw bytes: generators then let the caller name the type.</summary>
    private static JsonObject ImageContent()
    {
        var content = new JsonObject();
        foreach (var type in ImageDecoder.AcceptedMediaTypes.Append("application/octet-stream"))
            content[type] = new JsonObject { ["schema"] = Binary("The image's bytes.") };
        return content;
    }

    private static JsonObject With(this JsonObject node, string key, JsonNode value)
    {
        node[key] = value;
        return node;
    }

    /// <summary>
    /// An operation with its success, the listed errors, what a guarded one meets besides (401, 403, 429: the gate's)
    /// and what every one can meet (500 from a host).
    /// </summary>
    private static JsonObject Operation(OperationAttribute operation, AccessOptions access, JsonObject ok, params string[] errors)
    {
        var guarded = operation.Permission != Permissions.None;
        var responses = new JsonObject { [operation.Status.ToString(CultureInfo.InvariantCulture)] = ok };
        foreach (var status in errors.Concat(guarded ? ["401", "403", "429"] : []))
            responses[status] = Response(status);
        if (!guarded)
            responses["429"] = new JsonObject { ["description"] = "The Functions host is throttling requests; retry later (empty body)." };
        responses["500"] = new JsonObject { ["description"] = "An unexpected failure of the host (the API answers its own errors with the statuses above)." };
        var scope = operation.Permission.HasFlag(Permissions.Write) ? access.WriteScope : access.ReadScope;
        return new JsonObject
        {
            ["operationId"] = operation.Id,
            ["tags"] = new JsonArray(Choices.NameOf(operation.Tag)),
            ["summary"] = operation.Summary,
            ["description"] = operation.Summary + (guarded
                ? $" Needs a bearer token with the scope or app role '{scope}', or a service key that may {(scope == access.WriteScope ? "write" : "read")}."
                : " Public: no credentials."),
            ["security"] = guarded
                ? new JsonArray(Scheme(BearerScheme), Scheme(KeyScheme), Scheme(KeyQueryScheme))
                : new JsonArray(),
            ["responses"] = responses,
        };
    }

    private static JsonObject Scheme(string name) => new() { [name] = new JsonArray() };

    private static JsonObject Response(string status) => status switch
    {
        "400" => Problem("The request is not valid; the detail says what is allowed."),
        "404" => Problem("No such gallery image."),
        "413" => Problem("The body or the image is too large."),
        "415" => Problem("The media type or image format is not supported."),
        "422" => Problem("The model's face step found no face in the image (ask for the whole image with wholeImage=true)."),
        "401" => Problem("No credentials, or ones that prove nothing (an expired or forged token, a wrong key); WWW-Authenticate says which.")
            .With("headers", new JsonObject { ["WWW-Authenticate"] = Header("The Bearer challenge, with the token's error where one was sent.", "string") }),
        "403" => Problem("The credentials are good but do not allow this: a token without the scope, a read-only key, another owner's image."),
        "429" => Problem("This caller is over its limit on this instance (or the Functions host is throttling requests, with an empty body); " +
                         "retry after the seconds in Retry-After.")
            .With("headers", new JsonObject { ["Retry-After"] = Header("Seconds to wait before retrying.", "integer") }),
        "503" => Problem("No model is loaded yet, or storage or the gallery's database cannot be reached; retry after the seconds in Retry-After.")
            .With("headers", new JsonObject { ["Retry-After"] = Header("Seconds to wait before retrying.", "integer") }),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static JsonObject Problem(string description) => new()
    {
        ["description"] = description,
        ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = Ref(typeof(ProblemDetails)) } },
    };

    private static JsonObject Header(string description, string type) => new()
    {
        ["description"] = description,
        ["schema"] = type == "integer" ? new JsonObject { ["type"] = type, ["format"] = "int32" } : new JsonObject { ["type"] = type },
    };

    private static JsonObject Ok(string description, JsonObject content) => new() { ["description"] = description, ["content"] = content };

    private static JsonObject Json(JsonObject schema) => new() { ["application/json"] = new JsonObject { ["schema"] = schema } };

    private static JsonObject Ref(Type component) => OpenApiSchemas.Ref(component);

    private static JsonObject Binary(string description) => new() { ["type"] = "string", ["format"] = "binary", ["description"] = description };

    private static JsonObject Form(JsonObject properties, JsonObject? encoding)
    {
        var media = new JsonObject
        {
            ["schema"] = new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray(Upload.ImageField),
                ["properties"] = properties,
            },
        };
        if (encoding is not null)
            media["encoding"] = encoding;
        return new JsonObject { ["required"] = true, ["content"] = new JsonObject { ["multipart/form-data"] = media } };
    }

    private static JsonObject K(ServingOptions options) => new()
    {
        ["name"] = "k", ["in"] = "query", ["required"] = false, ["description"] = "How many results.",
        ["schema"] = OpenApiSchemas.ResultCountSchema(options),
    };

    private static JsonObject Filter() => new()
    {
        ["name"] = SearchFunction.FilterParameter, ["in"] = "query", ["required"] = false, ["style"] = "form", ["explode"] = true,
        ["description"] = "Only gallery images with these values: facet:value or facet:value1,value2, one parameter per facet (filter=person:KA&filter=expression:HA,SU).",
        ["schema"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[^:]+:.+$" } },
    };

    private static JsonObject WholeImage() => new()
    {
        ["name"] = ImageEmbedding.WholeImageParameter, ["in"] = "query", ["required"] = false,
        ["description"] = "With a model that crops faces: search the whole image when no face is found, instead of answering 422.",
        ["schema"] = new JsonObject { ["type"] = "boolean", ["default"] = false },
    };
}
