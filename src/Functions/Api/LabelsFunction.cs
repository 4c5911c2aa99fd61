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
        using var lease = provider.Acquire();
        if (lease is null)
            return Problems.NoModel(provider);
        var bundle = lease.Model.Bundle;
        return new OkObjectResult(new
        {
            modelVersion = bundle.Version,
            facets = bundle.Facets.Facets.Select(f => new
            {
                name = f.Name,
                values = f.Values.Select(v => new { value = v.Value, images = v.Images }).ToList(),
            }).ToList(),
        });
    }
}
