using System.Text;
using System.Text.Json;
using FaceFunctions.Functions.Access;
using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Index;
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
/// value) and "reference". It needs the write permission; an image added with a token belongs to its tenant (docs/access.md).
/// </summary>
public sealed class GalleryAddFunction(CallerGate gate, ModelProvider provider, GalleryAdditions additions, IOptions<ServingOptions> options,
    ILogger<GalleryAddFunction> logger)
{
    [Function("GalleryAddForm")]
    [Operation("addToGalleryForm", ApiTag.Gallery, "Add an image with its labels (multipart: \"image\", \"labels\" as JSON, \"reference\").",
        Request = RequestShape.ImageWithLabels, Parameters = [OperationParameter.WholeImage], Answer = typeof(AddedGalleryImage), Status = 201,
        Answered = "The image was added; Location is its image's path.", Problems = [400, 413, 415, 422, 503], Permission = Permissions.Write)]
    public Task<IActionResult> RunForm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "gallery/form")] HttpRequest request,
        CancellationToken cancellationToken) => Run(request, cancellationToken);

    [Function("GalleryAdd")]
    [Operation("addToGallery", ApiTag.Gallery, "Add an unlabelled image sent as the request body.",
        Request = RequestShape.Image, Parameters = [OperationParameter.WholeImage], Answer = typeof(AddedGalleryImage), Status = 201,
        Answered = "The image was added; Location is its image's path.", Problems = [400, 413, 415, 422, 503], Permission = Permissions.Write)]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "gallery")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var admission = await gate.AdmitAsync(request, Permissions.Write, Traffic.Upload, cancellationToken);
        if (admission.Refusal is not null)
            return admission.Refusal;
        using var lease = provider.Acquire();
        if (lease is null)
            return Problems.NoModel(provider);
        var model = lease.Model;
        var upload = await Upload.ReadAsync(request, options.Value, Upload.Kind.Image, cancellationToken);
        if (upload.Image is null)
            return upload.Failure!;
        var labels = ReadLabels(upload.Labels, model.View, out var error);
        if (labels is null)
            return Problems.BadRequest(error!);
        var reference = upload.Reference is null ? null : Encoding.UTF8.GetString(upload.Reference);
        try
        {
            var result = await additions.AddAsync(model,
                new AdditionRequest(upload.Image, labels, reference, ImageEmbedding.WholeImageAsked(request), admission.Caller!.Tenant), cancellationToken);
            if (result.Added is not { } added)
                return result.Failure!;
            logger.LogInformation("Added gallery image {Id} with model {ModelVersion}.", added.Id, model.Bundle.Version);
            var path = ImageFunction.PathOf(added.Id);
            return new CreatedResult(path, new AddedGalleryImage(model.Bundle.Version, added.Id, added.Labels, path, added.Reference, result.Face));
        }
        catch (Exception e) when (e is StorageUnavailableException or GalleryUnavailableException)
        {
            logger.LogWarning("The gallery cannot be changed now: {Error}", e.Message);
            return Problems.StorageUnavailable("The gallery's storage or database cannot be reached; the image was not added. Retry shortly.");
        }
    }

    /// <summary>The "labels" field: a JSON object of facet names to string values, checked against the model; empty without the field.</summary>
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
                if (label.Value.ValueKind != JsonValueKind.String)
                    return Fail($"{rule}; got '{label.Name}': {label.Value.ValueKind.ToString().ToLowerInvariant()}.", out error);
                if (!labels.TryAdd(label.Name, label.Value.GetString()!))
                    return Fail($"{rule}; '{label.Name}' is given twice.", out error);
            }
        }
        catch (JsonException e)
        {
            return Fail($"{rule}; it is not valid JSON: {e.Message}", out error);
        }
        return (error = GalleryAdditions.WhyNotLabels(labels, view)) is null ? labels : null;
    }

    private static Dictionary<string, string>? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }
}
