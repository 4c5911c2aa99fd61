using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using FaceFunctions.GalleryChanges;
using FaceFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// POST /api/gallery: adds an image to the gallery, embedded with the serving model exactly as search embeds it (the
/// face step included), searchable at once on this instance and on the others within their poll interval. The raw body
/// adds it unlabelled; POST /api/gallery/form takes the multipart fields "image", "labels" (a JSON object, facet to
/// value) and "reference". Admin level: the master key, which mobile apps never hold (docs/hosting.md, keys).
/// </summary>
public sealed class GalleryAddFunction(ModelProvider provider, ImageEmbedding images, GalleryService gallery, IOptions<ServingOptions> options,
    ILogger<GalleryAddFunction> logger)
{
    [Function("GalleryAddForm")]
    [Operation("addToGalleryForm", ApiTag.Gallery, "Add an image with its labels (multipart: \"image\", \"labels\" as JSON, \"reference\").",
        Request = RequestShape.ImageWithLabels, Parameters = [OperationParameter.WholeImage], Answer = typeof(AddedGalleryImage), Status = 201,
        Answered = "The image was added; Location is its image's path.", Problems = [400, 413, 415, 422, 503])]
    public Task<IActionResult> RunForm(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "gallery/form")] HttpRequest request,
        CancellationToken cancellationToken) => Run(request, cancellationToken);

    [Function("GalleryAdd")]
    [Operation("addToGallery", ApiTag.Gallery, "Add an unlabelled image sent as the request body.",
        Request = RequestShape.Image, Parameters = [OperationParameter.WholeImage], Answer = typeof(AddedGalleryImage), Status = 201,
        Answered = "The image was added; Location is its image's path.", Problems = [400, 413, 415, 422, 503])]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "gallery")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var lease = provider.Acquire();
        if (lease is null)
            return Problems.NoModel(provider);
        var model = lease.Model;
        var upload = await Upload.ReadAsync(request, options.Value, Upload.Kind.Image, cancellationToken);
        if (upload.Image is null)
            return upload.Failure!;
        var labels = ReadLabels(upload.Labels, model.View, out var error);
        var reference = upload.Reference is null ? null : Encoding.UTF8.GetString(upload.Reference);
        if (labels is null || (error = GalleryChangeChecks.WhyNotReference(reference)) is not null)
            return Problems.BadRequest(error!);
        var embedded = await images.EmbedAsync(model, upload.Image, ImageEmbedding.WholeImageAsked(request), cancellationToken, keepPng: true);
        if (embedded.Vector is null)
            return embedded.Failure!;
        var added = new AddedImage
        {
            Id = Guid.CreateVersion7().ToString("N"), Labels = labels, Reference = reference, AddedUtc = DateTimeOffset.UtcNow,
            Image = Convert.ToHexStringLower(SHA256.HashData(embedded.Png!)) + ".png", ModelVersion = model.Bundle.Version,
            Vector = AddedImage.BytesOf(embedded.Vector),
        };
        try
        {
            var change = await gallery.AddAsync(model, added, embedded.Png!, cancellationToken);
            logger.LogInformation("Added gallery image {Id} as change {Sequence} with model {ModelVersion}.", added.Id, change.Sequence, model.Bundle.Version);
        }
        catch (StorageUnavailableException e)
        {
            logger.LogWarning("The gallery cannot be changed now: {Error}", e.Message);
            return Problems.StorageUnavailable("The gallery's storage cannot be reached; the image was not added. Retry shortly.");
        }
        var path = ImagePath(added.Id);
        return new CreatedResult(path, new AddedGalleryImage(model.Bundle.Version, added.Id, labels, path, reference, embedded.Face));
    }

    public static string ImagePath(string id) => $"/api/images/{Uri.EscapeDataString(id)}";

    /// <summary>The "labels" field: a JSON object of the model's facet names to string values; empty without the field.</summary>
    private static Dictionary<string, string>? ReadLabels(byte[]? json, GalleryView view, out string? error)
    {
        error = null;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is null)
            return labels;
        var rule = $"'{Upload.LabelsField}' is a JSON object of facet names ({string.Join(", ", view.FacetNames)}) to string values";
        try
        {
            using var document = JsonBody.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return Fail($"{rule}.", out error);
            foreach (var label in document.RootElement.EnumerateObject())
            {
                if (!view.FacetNames.Contains(label.Name) || label.Value.ValueKind != JsonValueKind.String)
                    return Fail($"{rule}; got '{label.Name}': {label.Value.ValueKind.ToString().ToLowerInvariant()}.", out error);
                if (GalleryChangeChecks.WhyNotValue(label.Value.GetString()) is { } why)
                    return Fail($"The label of '{label.Name}' is not valid: {why}.", out error);
                if (!labels.TryAdd(label.Name, label.Value.GetString()!))
                    return Fail($"{rule}; '{label.Name}' is given twice.", out error);
            }
            return labels;
        }
        catch (JsonException e)
        {
            return Fail($"{rule}; it is not valid JSON: {e.Message}", out error);
        }
    }

    private static Dictionary<string, string>? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }
}
