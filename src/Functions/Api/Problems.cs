using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ProblemDetails = FaceFunctions.Functions.Contract.ProblemDetails;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// RFC 7807 problem details: every error the API answers says what was wrong and what is allowed. Anonymous answers
/// say what a client needs; server paths, storage endpoints and storage errors go to the log only.
/// </summary>
public static class Problems
{
    /// <summary>Seconds a client is asked to wait before retrying a 503.</summary>
    public const int RetryAfterSeconds = 5;

    public static ObjectResult Of(int status, string title, string detail) => Of(new ProblemDetails($"https://httpstatuses.io/{status}", title, status, detail));

    private static ObjectResult Of(ProblemDetails problem)
    {
        var result = new ObjectResult(problem) { StatusCode = problem.Status };
        result.ContentTypes.Add("application/problem+json");
        return result;
    }

    public static ObjectResult BadRequest(string detail) => Of(StatusCodes.Status400BadRequest, "The request is not valid.", detail);

    public static ObjectResult NotFound(string detail) => Of(StatusCodes.Status404NotFound, "Not found.", detail);

    public static ObjectResult TooLarge(string detail) => Of(StatusCodes.Status413PayloadTooLarge, "The request is too large.", detail);

    public static ObjectResult UnsupportedMediaType(string detail) =>
        Of(StatusCodes.Status415UnsupportedMediaType, "The media type is not supported.", detail);

    public static ObjectResult Unprocessable(string detail) =>
        Of(StatusCodes.Status422UnprocessableEntity, "The image cannot be searched.", detail);

    public static IActionResult NoModel(ModelProvider provider)
    {
        var failure = provider.Failure; // read once: the loader may change it meanwhile
        return Unavailable("No model is loaded yet.",
            "The service is loading its model or waiting for one to be published; retry shortly.", failure?.Message, failure?.SinceUtc);
    }

    public static IActionResult StorageUnavailable(string detail) => Unavailable("Storage cannot be reached.", detail);

    public static IActionResult IndexUnavailable() => Unavailable("The gallery's index cannot be reached.",
        "The database that holds the gallery did not answer; retry shortly.");

    private static IActionResult Unavailable(string title, string detail, string? reason = null, DateTimeOffset? sinceUtc = null) =>
        new RetryAfterResult(Of(new ProblemDetails($"https://httpstatuses.io/{StatusCodes.Status503ServiceUnavailable}", title,
            StatusCodes.Status503ServiceUnavailable, detail, reason, sinceUtc)), RetryAfterSeconds);

    /// <summary>A result with a Retry-After header.</summary>
    private sealed class RetryAfterResult(IActionResult inner, int seconds) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteResultAsync(context);
        }
    }
}
