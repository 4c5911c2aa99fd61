using FaceFunctions.Functions.Access;
using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Index;
using FaceFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace FaceFunctions.Functions.Api;

/// <summary>GET /api/images/{id}: a gallery image as PNG, so that an app can show results.</summary>
public sealed class ImageFunction(CallerGate gate, ModelProvider provider, ArtifactStores stores, ILogger<ImageFunction> logger)
{
    /// <summary>The path answers give for a gallery image: this function's route.</summary>
    public static string PathOf(string id) => $"/api/images/{Uri.EscapeDataString(id)}";

    [Function("Image")]
    [Operation("image", ApiTag.Gallery, "A gallery image as PNG, by the id a result carries.", Parameters = [OperationParameter.ImageId],
        Answer = typeof(byte[]), Answered = "The image. Send its ETag back in If-None-Match to get 304 Not Modified while it is current.",
        Problems = [404, 503], Permission = Permissions.Read)]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "images/{id}")] HttpRequest request,
        string id, CancellationToken cancellationToken)
    {
        using var admission = await gate.AdmitAsync(request, Permissions.Read, Traffic.Query, cancellationToken);
        if (admission.Refusal is not null)
            return admission.Refusal;
        try
        {
            string image;
            using (var lease = provider.Acquire())
            {
                if (lease is null)
                    return Problems.NoModel(provider);
                if (await lease.Model.View.For(admission.Caller!.Tenant).FindAsync(id, cancellationToken) is not { Image.Entry.Image: var name })
                    return Problems.NotFound($"No gallery image has the id '{id}'.");
                image = name;
            }
            var content = await stores.Images.ReadAsync(image, cancellationToken);
            // Images are named by the hash of their bytes, so a name's content never changes.
            return new FileContentResult(content.ToArray(), "image/png")
            {
                EntityTag = new EntityTagHeaderValue($"\"{Path.GetFileNameWithoutExtension(image)}\""),
            };
        }
        catch (ArtifactNotFoundException e)
        {
            logger.LogError("The image {Image} of gallery id {Id} is missing from {Location}.", e.Name, id, stores.Images.Location);
            return Problems.NotFound($"The image of '{id}' is missing from the image store.");
        }
        catch (StorageUnavailableException e)
        {
            logger.LogWarning("The image store cannot be reached: {Error}", e.Message);
            return Problems.StorageUnavailable("The image store cannot be reached; retry shortly.");
        }
        catch (GalleryUnavailableException e)
        {
            logger.LogWarning("The gallery cannot be read: {Error}", e.Message);
            return Problems.IndexUnavailable();
        }
    }
}
