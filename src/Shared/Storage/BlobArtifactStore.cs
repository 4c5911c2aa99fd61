using Azure;
using Azure.Storage.Blobs;

namespace FaceFunctions.Storage;

/// <summary>Blobs in one Blob Storage container (created on first write). A block-blob upload commits atomically.</summary>
public sealed class BlobArtifactStore(BlobContainerClient container) : IArtifactStore
{
    private bool _containerExists;

    public string Location => $"container {container.Name} at {container.Uri.GetLeftPart(UriPartial.Path)}";

    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        await container.GetBlobClient(name).ExistsAsync(cancellationToken);

    public async Task<BinaryData> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return result.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new ArtifactNotFoundException(Location, name);
        }
    }

    public async Task WriteAsync(string name, BinaryData content, CancellationToken cancellationToken = default)
    {
        if (!_containerExists)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _containerExists = true;
        }
        await container.GetBlobClient(name).UploadAsync(content, overwrite: true, cancellationToken);
    }

    public async Task<string?> GetVersionTagAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            var properties = await container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken);
            return properties.Value.ETag.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
