using FaceFunctions.Functions.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// GET /api/health (anonymous): whether a model serves, which, since when, its gallery's size, and what is wrong now
/// (a kind and since when, never paths or storage errors: those are in the log).
/// </summary>
public sealed class HealthFunction(ModelProvider provider)
{
    [Function("Health")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
    {
        var model = provider.Current;
        if (model is null)
            return Problems.NoModel(provider);
        var failure = provider.Failure;
        return new OkObjectResult(new
        {
            status = "ok",
            modelVersion = model.Bundle.Version,
            loadedAtUtc = model.LoadedAtUtc,
            galleryCount = model.Bundle.Gallery.Count,
            dimensions = model.Bundle.Dimensions,
            executionProvider = model.Embedder.ExecutionProvider,
            lastLoadError = failure is null ? null : new { reason = failure.Kind.ToString(), message = failure.Message, sinceUtc = failure.SinceUtc },
        });
    }
}
