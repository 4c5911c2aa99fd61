using FaceFunctions.Functions.Contract;
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
    [Operation("health", ApiTag.Service, "Whether a model serves, which, and since when.", Answer = typeof(Health), Answered = "A model serves.",
        Problems = [503])]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
    {
        var model = provider.Current;
        if (model is null)
            return Problems.NoModel(provider);
        var failure = provider.Failure;
        return new OkObjectResult(new Health("ok", model.Bundle.Version, model.LoadedAtUtc, model.View.Count, model.Bundle.Dimensions,
            model.Embedder.ExecutionProvider, failure is null ? null : new LoadError(failure.Kind, failure.Message, failure.SinceUtc)));
    }
}
