using FaceFunctions.Functions.Access;
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
/// DELETE /api/gallery/{id}: erases a gallery image (a person's right to erasure). At once on this instance and within
/// the poll interval on the others, no answer names it and GET /api/images/{id} is 404; its image is deleted from
/// storage and an added image's labels and vector go from the change log. It needs the write permission, and a caller
/// erases what its tenant owns: a tenant's caller its tenant's images, a caller without a tenant (a service key) the
/// shared gallery's, trained ones included. DELETE /api/gallery erases everything the caller's tenant added.
/// </summary>
public sealed class GalleryEraseFunction(CallerGate gate, ModelProvider provider, GalleryService gallery, ILogger<GalleryEraseFunction> logger)
{
    [Function("GalleryErase")]
    [Operation("eraseFromGallery", ApiTag.Gallery, "Erase a gallery image your tenant owns (a key without a tenant: a shared one, trained or added).",
        Parameters = [OperationParameter.ImageId], Status = 204, Answered = "The image was erased.", Problems = [404, 503], Permission = Permissions.Write)]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "gallery/{id}")] HttpRequest request,
        string id, CancellationToken cancellationToken)
    {
        using var admission = await gate.AdmitAsync(request, Permissions.Write, Traffic.Query, cancellationToken);
        if (admission.Refusal is not null)
            return admission.Refusal;
        var tenant = admission.Caller!.Tenant;
        using var lease = provider.Acquire();
        if (lease is null)
            return Problems.NoModel(provider);
        return await ChangeAsync(async () =>
        {
            if (await lease.Model.View.For(tenant).FindAsync(id, cancellationToken) is not { Image: var found })
                return Problems.NotFound($"No gallery image has the id '{id}'.");
            if (found.Addition?.Added?.Tenant != tenant)
                return Problems.Forbidden($"The image '{id}' belongs to the shared gallery: a service key without a tenant erases it.");
            if (!await gallery.EraseAsync(lease.Model, id, cancellationToken))
                return Problems.NotFound($"No gallery image has the id '{id}'.");
            logger.LogInformation("Erased gallery image {Id}.", id);
            return new NoContentResult();
        });
    }

    [Function("GalleryEraseTenant")]
    [Operation("eraseTenantImages", ApiTag.Gallery, "Erase every image your tenant added: its images, labels and vectors.",
        Answer = typeof(ErasedImages), Answered = "The tenant's images were erased; the answer counts them.", Problems = [503], Permission = Permissions.Write)]
    public async Task<IActionResult> RunTenant(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "gallery")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var admission = await gate.AdmitAsync(request, Permissions.Write, Traffic.Query, cancellationToken);
        if (admission.Refusal is not null)
            return admission.Refusal;
        if (admission.Caller!.Tenant is not { } tenant)
            return Problems.Forbidden("Only a tenant's caller erases all its images; the shared gallery is erased an image at a time.");
        using var lease = provider.Acquire();
        if (lease is null)
            return Problems.NoModel(provider);
        return await ChangeAsync(async () =>
        {
            var erased = await gallery.EraseTenantAsync(lease.Model, tenant, cancellationToken);
            logger.LogInformation("Erased {Count} gallery images of a tenant.", erased);
            return new OkObjectResult(new ErasedImages(erased));
        });
    }

    private async Task<IActionResult> ChangeAsync(Func<Task<IActionResult>> change)
    {
        try
        {
            return await change();
        }
        catch (Exception e) when (e is StorageUnavailableException or GalleryUnavailableException)
        {
            logger.LogWarning("The gallery cannot be changed now: {Error}", e.Message);
            return Problems.StorageUnavailable("The gallery's storage or database cannot be reached; nothing more was erased. Retry shortly.");
        }
    }
}
