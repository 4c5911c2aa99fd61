using FaceFunctions.Functions.Access;
using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FaceFunctions.Functions.Api;

/// <summary>GET /api/labels: the facets of the model and the values each can take.</summary>
public sealed class LabelsFunction(CallerGate gate, ModelProvider provider)
{
    [Function("Labels")]
    [Operation("labels", ApiTag.Gallery, "The facets of the served model and the values each can take: those it learned and those only added images carry.", Answer = typeof(Labels),
        Answered = "The facets.", Problems = [503], Permission = Permissions.Read)]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "labels")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var admission = await gate.AdmitAsync(request, Permissions.Read, Traffic.Query, cancellationToken);
        if (admission.Refusal is not null)
            return admission.Refusal;
        using var lease = provider.Acquire();
        if (lease is null)
            return Problems.NoModel(provider);
        var facets = lease.Model.View.For(admission.Caller!.Tenant).Facets;
        return new OkObjectResult(new Labels(lease.Model.Bundle.Version,
            facets.Facets.Select(f => new Facet(f.Name, f.Values.Select(v => new FacetValue(v.Value, v.Images)).ToList())).ToList()));
    }
}
