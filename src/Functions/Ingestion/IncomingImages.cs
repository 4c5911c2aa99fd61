using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FaceFunctions.Storage;

namespace FaceFunctions.Functions.Ingestion;

/// <summary>
/// The incoming container, where uploads wait to be added to the gallery (labels in their metadata), and the one
/// beside it where those that cannot be added are kept with their reason. Every failure of storage itself is a
/// <see cref="StorageUnavailableException"/>, which the trigger answers by retrying the message.
/// </summary>
public sealed class IncomingImages(BlobServiceClient service)
{
    public const string Container = "incoming";
    public const string FailedContainer = "incoming-failed";
    /// <summary>The metadata entry that holds why an image was set aside.</summary>
    public const string ReasonKey = "reason";

    private BlobContainerClient Incoming => service.GetBlobContainerClient(Container);

    /// <summary>The blob's bytes and metadata; null when it has gone (handled already), or its size when it is over the limit.</summary>
    public Task<IncomingImage?> ReadAsync(string name, long maxBytes, CancellationToken cancellationToken) =>
        GuardAsync(name, async () =>
        {
            var blob = Incoming.GetBlobClient(name);
            try
            {
                var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
                if (properties.ContentLength > maxBytes)
                    return new IncomingImage(name, null, properties.ContentLength, properties.ETag.ToString(), properties.Metadata);
                var content = await blob.DownloadContentAsync(
                    new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = properties.ETag } }, cancellationToken);
                return new IncomingImage(name, content.Value.Content.ToArray(), properties.ContentLength, properties.ETag.ToString(), properties.Metadata);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return (IncomingImage?)null;
            }
        });

    /// <summary>Removes an image that was added.</summary>
    public Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        GuardAsync(name, () => Incoming.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancellationToken));

    /// <summary>Moves an image that cannot be added to the failed container, its metadata kept and its reason added.</summary>
    public Task SetAsideAsync(IncomingImage image, string reason, CancellationToken cancellationToken) =>
        GuardAsync(image.Name, async () =>
        {
            var failed = service.GetBlobContainerClient(FailedContainer);
            await failed.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var metadata = new Dictionary<string, string>(image.Metadata, StringComparer.OrdinalIgnoreCase)
            {
                // Metadata is ASCII: the reason is escaped the way label values are (RFC 3986 percent-encoding).
                [ReasonKey] = Uri.EscapeDataString(reason.Length > 1024 ? reason[..1024] : reason),
            };
            await using (var content = await Incoming.GetBlobClient(image.Name).OpenReadAsync(cancellationToken: cancellationToken))
                await failed.GetBlobClient(image.Name).UploadAsync(content, new BlobUploadOptions { Metadata = metadata }, cancellationToken);
            return await Incoming.GetBlobClient(image.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        });

    private async Task<T> GuardAsync<T>(string name, Func<Task<T>> request)
    {
        try
        {
            return await request();
        }
        catch (Exception e) when (BlobArtifactStore.IsStorageFailure(e))
        {
            throw new StorageUnavailableException(Incoming.Uri.ToString(), name, e);
        }
    }
}

/// <summary>An incoming blob: its bytes (null when over the limit), its size, its ETag and its metadata.</summary>
public sealed record IncomingImage(string Name, byte[]? Content, long Bytes, string ETag, IDictionary<string, string> Metadata);
