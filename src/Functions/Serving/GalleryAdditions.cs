using FaceFunctions.Functions.Api;
using FaceFunctions.Functions.Contract;
using FaceFunctions.GalleryChanges;
using Microsoft.AspNetCore.Mvc;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// The one way an image enters the gallery, whoever sends it (POST /api/gallery, the incoming container): its labels
/// checked against the model, embedded as search embeds (the face step included), stored and appended to the log.
/// </summary>
public sealed class GalleryAdditions(ImageEmbedding images, GalleryService gallery)
{
    /// <summary>The image added, or the problem that refused it (400, 413, 415, 422).</summary>
    /// <exception cref="Storage.StorageUnavailableException">The gallery's storage cannot be written now; nothing was added.</exception>
    public async Task<GalleryAddition> AddAsync(ServingModel model, AdditionRequest request, CancellationToken cancellationToken)
    {
        if ((WhyNotLabels(request.Labels, model.View) ?? GalleryChangeChecks.WhyNotReference(request.Reference)) is { } why)
            return new GalleryAddition(null, null, Problems.BadRequest(why));
        var embedded = await images.EmbedAsync(model, request.Image, request.WholeImage, cancellationToken, keepPng: true);
        if (embedded.Vector is null)
            return new GalleryAddition(null, null, embedded.Failure);
        var added = new AddedImage
        {
            Id = request.Id ?? Guid.CreateVersion7().ToString("N"), Labels = request.Labels, Reference = request.Reference, Tenant = request.Tenant,
            AddedUtc = DateTimeOffset.UtcNow, Image = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(embedded.Png!)) + ".png",
            ModelVersion = model.Bundle.Version, Vector = AddedImage.BytesOf(embedded.Vector),
        };
        var change = await gallery.AddAsync(model, added, embedded.Png!, cancellationToken);
        return new GalleryAddition(change.Added, embedded.Face, null);
    }

    /// <summary>Why labels cannot be stored with this model, or null: its facets only, values by <see cref="GalleryChangeChecks.WhyNotValue"/>.</summary>
    public static string? WhyNotLabels(IReadOnlyDictionary<string, string> labels, GalleryView view)
    {
        foreach (var (facet, value) in labels)
        {
            if (!view.FacetNames.Contains(facet))
                return $"Labels name the model's facets ({string.Join(", ", view.FacetNames)}); got '{facet}'.";
            if (GalleryChangeChecks.WhyNotValue(value) is { } why)
                return $"The label of '{facet}' is not valid: {why}.";
        }
        return null;
    }
}

/// <summary>
/// An image to add: its bytes as sent, its labels (facet to value), the caller's reference, the tenant that will own it
/// (null: the shared gallery), and an id when the caller fixes it.
/// </summary>
public sealed record AdditionRequest(byte[] Image, IReadOnlyDictionary<string, string> Labels, string? Reference, bool WholeImage,
    string? Tenant, string? Id = null);

/// <summary>The addition made (the stored one when its id was live already) and what the face step found, or the problem.</summary>
public sealed record GalleryAddition(AddedImage? Added, FaceResult? Face, IActionResult? Failure);
