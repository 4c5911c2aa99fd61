using FaceFunctions.Functions.Serving;
using FaceFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

namespace FaceFunctions.Functions.Api;

/// <summary>GET /api/images/{id}: a gallery image as PNG, so that an app can show results.</summary>
public sealed class ImageFunction(ModelProvider provider, ArtifactStores stores)
{
    [Function("Image")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "images/{id}")] HttpRequest request,
        string id, CancellationToken cancellationToken)
    {
        var model = provider.Current;
        if (model is null)
            return Problems.NoModel(provider);
        if (!model.TryGetRow(id, out var row))
            return Problems.NotFound($"No gallery image has the id '{id}'.");
        var entry = model.Bundle.Gallery[row];
        try
        {
            var content = await stores.Images.ReadAsync(entry.Image, cancellationToken);
            // Images are named by the hash of their bytes, so a name's content never changes.
            return new FileContentResult(content.ToArray(), "image/png")
            {
                EntityTag = new EntityTagHeaderValue($"\"{Path.GetFileNameWithoutExtension(entry.Image)}\""),
            };
        }
        catch (ArtifactNotFoundException)
        {
            return Problems.NotFound($"The image of '{id}' ({entry.Image}) is missing from {stores.Images.Location}.");
        }
    }
}
