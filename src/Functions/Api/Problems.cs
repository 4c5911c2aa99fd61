using FaceFunctions.Functions.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FaceFunctions.Functions.Api;

/// <summary>RFC 7807 problem details: every error the API answers says what was wrong and what is allowed.</summary>
public static class Problems
{
    public static ObjectResult Of(int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = $"https://httpstatuses.io/{status}",
        };
        if (extensions is not null)
            foreach (var (key, value) in extensions)
                problem.Extensions[key] = value;
        var result = new ObjectResult(problem) { StatusCode = status };
        result.ContentTypes.Add("application/problem+json");
        return result;
    }

    public static ObjectResult BadRequest(string detail, IDictionary<string, object?>? extensions = null) =>
        Of(StatusCodes.Status400BadRequest, "The request is not valid.", detail, extensions);

    public static ObjectResult NotFound(string detail) => Of(StatusCodes.Status404NotFound, "Not found.", detail);

    public static ObjectResult TooLarge(string detail) => Of(StatusCodes.Status413PayloadTooLarge, "The request is too large.", detail);

    public static ObjectResult UnsupportedMediaType(string detail) =>
        Of(StatusCodes.Status415UnsupportedMediaType, "The media type is not supported.", detail);

    public static ObjectResult NoModel(ModelProvider provider) =>
        Of(StatusCodes.Status503ServiceUnavailable, "No model is loaded yet.",
            "The service is loading its model or waiting for one to be published; retry shortly.",
            new Dictionary<string, object?> { ["lastError"] = provider.LastError });
}
