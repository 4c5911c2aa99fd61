using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Index;
using FaceFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// DELETE /api/gallery/{id}: erases a gallery image, added or trained (a person's right to erasure). At once on this
/// instance and within the poll interval on the others, no answer names it and GET /api/images/{id} is 404; its image
/// is deleted from storage and an added image's labels and vector go from the change log. Admin level, as additions.
/// </summary>
public sealed class GalleryEraseFunction(ModelProvider provider, GalleryService gallery, ILogger<GalleryEraseFunction> logger)
{
    [Function("GalleryErase")]
    [Operation("eraseFromGallery", ApiTag.Gallery, "Erase a gallery image, added or trained: its image, labels and vector.",
        Parameters = [OperationParameter.ImageId], Status = 204, Answered = "The image was erased.", Problems = [404, 503])]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Admin, "delete", Route = "gallery/{id}")] HttpRequest request,
        string id, CancellationToken cancellationToken)
    {
        using var lease = provider.Acquire();
        if (lease is null)
            return Problems.NoModel(provider);
        try
        {
            if (!await gallery.EraseAsync(lease.Model, id, cancellationToken))
                return Problems.NotFound($"No gallery image has the id '{id}'.");
        }
        catch (Exception e) when (e is StorageUnavailableException or GalleryUnavailableException)
        {
            logger.LogWarning("The gallery cannot be changed now: {Error}", e.Message);
            return Problems.StorageUnavailable("The gallery's storage or database cannot be reached; the image was not erased. Retry shortly.");
        }
        logger.LogInformation("Erased gallery image {Id}.", id);
        return new NoContentResult();
    }
}
