using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FaceFunctions.Functions.Serving;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProblemDetails = FaceFunctions.Functions.Contract.ProblemDetails;

namespace FaceFunctions.Functions.Ingestion;

/// <summary>
/// Adds the images written to the incoming container, triggered by a Storage queue that Event Grid fills with the
/// account's BlobCreated events (infra/bicep/modules/ingestion.bicep): a queue trigger runs on Flex Consumption, holds
/// the events while the app is scaled to zero, deploys in one pass (an Event Grid-sourced blob trigger needs the running
/// app's webhook before its subscription can exist), and is what the tests can drive with Azurite. The image is added
/// exactly as POST /api/gallery adds it, its labels from its metadata (facet name to value, percent-encoded; and
/// "reference", "wholeimage"), then removed from incoming. One that cannot be added is moved to incoming-failed with its
/// reason and never tried again; a failure of storage or no model yet throws, so the queue retries the message (five
/// times, then its poison queue keeps it). An event delivered twice adds the image once: its id comes from the blob's
/// name and ETag.
/// </summary>
public sealed class GalleryIngestFunction(ModelProvider provider, GalleryAdditions additions, IOptions<ServingOptions> options,
    ILogger<GalleryIngestFunction> logger, IncomingImages? incoming = null)
{
    public const string Queue = "gallery-incoming";
    /// <summary>The app setting (or settings prefix, for a managed identity) that names the queue's storage account.</summary>
    public const string Connection = "GalleryQueue";

    [Function("GalleryIngest")]
    public async Task Run([QueueTrigger(Queue, Connection = Connection)] string message, CancellationToken cancellationToken)
    {
        if (BlobCreatedName(message) is not { } name)
        {
            logger.LogWarning("A message of {Queue} is not a BlobCreated event of container {Container}; it is dropped.", Queue, IncomingImages.Container);
            return;
        }
        var images = incoming ?? throw new InvalidOperationException("Ingestion needs Blob Storage (Storage:ConnectionString or Storage:ServiceUri), not a folder.");
        using var lease = provider.Acquire()
            ?? throw new InvalidOperationException($"No model serves yet; {name} waits for the queue's next try.");
        var image = await images.ReadAsync(name, options.Value.MaxRequestBytes, cancellationToken);
        if (image is null)
        {
            logger.LogInformation("{Name} is no longer in {Container}: handled before.", name, IncomingImages.Container);
            return;
        }
        var why = image.Content is null ? $"The image has {image.Bytes} bytes; at most {options.Value.MaxRequestBytes} are accepted." : null;
        var labels = why is null ? IncomingMetadata.Read(image.Metadata, lease.Model.View, out why) : null;
        if (labels is not null)
        {
            var result = await additions.AddAsync(lease.Model, new AdditionRequest(image.Content!, labels.Labels, labels.Reference, labels.WholeImage,
                Tenant: null, Id: IdOf(image)), cancellationToken);
            why = result.Failure is null ? null : ((result.Failure as ObjectResult)?.Value as ProblemDetails)?.Detail ?? "It was refused.";
            if (result.Added is { } added)
            {
                await images.DeleteAsync(name, cancellationToken);
                logger.LogInformation("Added {Name} from {Container} as gallery image {Id}.", name, IncomingImages.Container, added.Id);
                return;
            }
        }
        await images.SetAsideAsync(image, why!, cancellationToken);
        logger.LogWarning("{Name} cannot be added to the gallery and was moved to {Failed}: {Reason}", name, IncomingImages.FailedContainer, why);
    }

    /// <summary>The blob name of an Event Grid (or CloudEvents) BlobCreated event in the incoming container; null for anything else.</summary>
    public static string? BlobCreatedName(string message)
    {
        const string prefix = $"/blobServices/default/containers/{IncomingImages.Container}/blobs/";
        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var type = root.TryGetProperty("eventType", out var eventType) ? eventType : root.TryGetProperty("type", out var cloudType) ? cloudType : default;
            if (type.ValueKind != JsonValueKind.String || type.GetString() != "Microsoft.Storage.BlobCreated") return null;
            var subject = root.TryGetProperty("subject", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "";
            var name = subject.StartsWith(prefix, StringComparison.Ordinal) ? subject[prefix.Length..] : "";
            return name.Length is > 0 and <= 1024 && !name.Any(char.IsControl) ? name : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The same blob (name and ETag) gets the same id however often its event comes.</summary>
    private static string IdOf(IncomingImage image) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{IncomingImages.Container}/{image.Name}\n{image.ETag}")))[..32];
}
