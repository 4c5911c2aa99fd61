using FaceFunctions.Functions.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FaceFunctions.Functions.Api;

/// <summary>GET /api/labels: the facets of the model and the values each can take.</summary>
public sealed class LabelsFunction(ModelProvider provider)
{
    [Function("Labels")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Function, "get", Route = "labels")] HttpRequest request)
    {
        var model = provider.Current;
        if (model is null)
            return Problems.NoModel(provider);
        return new OkObjectResult(new
        {
            modelVersion = model.Bundle.Version,
            facets = model.Bundle.Facets.Facets.Select(f => new
            {
                name = f.Name,
                values = f.Values.Select(v => new { value = v.Value, images = v.Images }),
            }),
        });
    }
}
