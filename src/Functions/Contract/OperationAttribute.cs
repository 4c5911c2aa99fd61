using System.Text.Json.Serialization;

namespace FaceFunctions.Functions.Contract;

/// <summary>The groups of operations in the OpenAPI document.</summary>
public enum ApiTag
{
    [JsonStringEnumMemberName("search")] Search,
    [JsonStringEnumMemberName("gallery")] Gallery,
    [JsonStringEnumMemberName("service")] Service,
}

/// <summary>What a request's body carries.</summary>
public enum RequestShape
{
    None,
    /// <summary>A <see cref="ComposeQuery"/> as application/json.</summary>
    Query,
    /// <summary>A multipart form: the image, and a <see cref="ComposeQuery"/> as the part "query".</summary>
    ImageAndQuery,
    /// <summary>An image as the raw body.</summary>
    Image,
    /// <summary>A multipart form with the image alone.</summary>
    ImageForm,
    /// <summary>A multipart form: the image, its labels as JSON (the part "labels") and a reference (the part "reference").</summary>
    ImageWithLabels,
}

/// <summary>The parameters operations take besides their body.</summary>
public enum OperationParameter
{
    /// <summary>k, by the rule of <see cref="ResultCount"/>.</summary>
    K,
    WholeImage,
    Filter,
    /// <summary>The {id} of a gallery image in the path.</summary>
    ImageId,
    /// <summary>The cursor of a listing: the "next" of the page before.</summary>
    After,
    /// <summary>The most images a page of a listing holds.</summary>
    Limit,
}

/// <summary>
/// How the OpenAPI document describes a function: its operation, what its request carries, what a success answers (a
/// record of this contract; <see cref="System.Text.Json.Nodes.JsonObject"/> for the document itself; byte[] for a PNG)
/// and the problems it answers itself. Its path and method come from its HttpTrigger.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OperationAttribute(string id, ApiTag tag, string summary) : Attribute
{
    public string Id { get; } = id;
    public ApiTag Tag { get; } = tag;
    public string Summary { get; } = summary;
    public RequestShape Request { get; set; }
    public OperationParameter[] Parameters { get; set; } = [];
    public Type Answer { get; set; } = typeof(void);
    /// <summary>The status of a success: 200, 201 (created; with a Location) or 204 (no body).</summary>
    public int Status { get; set; } = 200;
    /// <summary>What a success means, for its description.</summary>
    public string Answered { get; set; } = "";
    /// <summary>The statuses of the problems it answers (400, 404, 413, 415, 422, 503).</summary>
    public int[] Problems { get; set; } = [];
    /// <summary>What a caller needs (<see cref="Access.CallerGate"/>): None for the public routes, which take no credentials.</summary>
    public Access.Permissions Permission { get; set; }
}
