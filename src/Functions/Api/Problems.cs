using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
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

    /// <summary>The token issuer's keys cannot be fetched, so no token can be checked now.</summary>
    public static IActionResult IssuerUnavailable() => Unavailable("Tokens cannot be checked now.",
        "The token issuer's signing keys cannot be fetched; retry shortly.");

    /// <summary>401: no credentials where they are needed, or ones that prove nothing; <paramref name="challenge"/> is the WWW-Authenticate header.</summary>
    public static IActionResult Unauthorized(string detail, string challenge) =>
        new HeaderResult(Of(StatusCodes.Status401Unauthorized, "Credentials are needed.", detail), HeaderNames.WWWAuthenticate, challenge);

    /// <summary>403: the caller is known but may not do this.</summary>
    public static IActionResult Forbidden(string detail, string? challenge = null)
    {
        var problem = Of(StatusCodes.Status403Forbidden, "Not allowed.", detail);
        return challenge is null ? problem : new HeaderResult(problem, HeaderNames.WWWAuthenticate, challenge);
    }

    /// <summary>429: the caller is over one of its limits on this instance.</summary>
    public static IActionResult TooManyRequests(string detail, TimeSpan retryAfter) =>
        new HeaderResult(Of(StatusCodes.Status429TooManyRequests, "Too many requests.", detail), HeaderNames.RetryAfter, Seconds(retryAfter));

    private static IActionResult Unavailable(string title, string detail, string? reason = null, DateTimeOffset? sinceUtc = null) =>
        new HeaderResult(Of(new ProblemDetails($"https://httpstatuses.io/{StatusCodes.Status503ServiceUnavailable}", title,
            StatusCodes.Status503ServiceUnavailable, detail, reason, sinceUtc)), HeaderNames.RetryAfter, Seconds(TimeSpan.FromSeconds(RetryAfterSeconds)));

    /// <summary>Whole seconds, rounded up: a client that waits that long is not refused again for waiting too little.</summary>
    private static string Seconds(TimeSpan wait) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A result with one more header.</summary>
    private sealed class HeaderResult(IActionResult inner, string name, string value) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.Headers[name] = value;
            return inner.ExecuteResultAsync(context);
        }
    }
}
