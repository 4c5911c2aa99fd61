using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace FaceFunctions.Functions.Contract;

/// <summary>Every error the API answers itself (RFC 7807), as application/problem+json (<see cref="Api.Problems"/>).</summary>
[Description("RFC 7807 problem details; a 503 adds reason and sinceUtc.")]
public sealed record ProblemDetails(
    [property: Description("A URI for the kind of problem.")] string Type,
    [property: Description("What went wrong, in short.")] string Title,
    [property: Description("The HTTP status."), Range(100, 599)] int Status,
    [property: Description("What was wrong with this request and what is allowed.")] string Detail,
    [property: Description("503: why no model serves yet, when known."), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: Description("503: since when."), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? SinceUtc = null);
