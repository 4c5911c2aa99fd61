using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace FaceFunctions.Storage;

/// <summary>
/// Blobs in one Blob Storage container (created on first write). A block-blob upload commits atomically. A request
/// that fails for any reason but a missing blob (the network, timeouts, throttling, authorisation) ends in a
/// <see cref="StorageUnavailableException"/>, once the client's retries (<see cref="ArtifactStores.Configure"/>) are spent.
/// </summary>
public sealed class BlobArtifactStore(BlobContainerClient container) : IArtifactStore
{
    private bool _containerExists;

    public string Location => $"container {container.Name} at {container.Uri.GetLeftPart(UriPartial.Path)}";

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        GuardAsync(name, async () => (bool)await container.GetBlobClient(name).ExistsAsync(cancellationToken));

    public Task<BinaryData> ReadAsync(string name, CancellationToken cancellationToken = default) =>
        GuardAsync(name, async () =>
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
        });

    public Task WriteAsync(string name, BinaryData content, CancellationToken cancellationToken = default) =>
        GuardAsync(name, async () =>
        {
            await EnsureContainerAsync(cancellationToken);
            await container.GetBlobClient(name).UploadAsync(content, overwrite: true, cancellationToken);
            return true;
        });

    public Task<bool> TryCreateAsync(string name, BinaryData content, CancellationToken cancellationToken = default) =>
        GuardAsync(name, async () =>
        {
            await EnsureContainerAsync(cancellationToken);
            try
            {
                var onlyNew = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
                await container.GetBlobClient(name).UploadAsync(content, onlyNew, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                return false;
            }
        });

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        GuardAsync(name, async () => (bool)await container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancellationToken));

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        GuardAsync(prefix, async () =>
        {
            var names = new List<string>();
            try
            {
                await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
                    names.Add(blob.Name);
            }
            catch (RequestFailedException e) when (e.Status == 404) // no container yet: nothing written
            {
            }
            names.Sort(StringComparer.Ordinal);
            return (IReadOnlyList<string>)names;
        });

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerExists) return;
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        _containerExists = true;
    }

    public Task<string?> GetVersionTagAsync(string name, CancellationToken cancellationToken = default) =>
        GuardAsync(name, async () =>
        {
            try
            {
                var properties = await container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken);
                return properties.Value.ETag.ToString();
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return (string?)null;
            }
        });

    /// <summary>Runs a request; storage failures become <see cref="StorageUnavailableException"/>.</summary>
    private async Task<T> GuardAsync<T>(string name, Func<Task<T>> request)
    {
        try
        {
            return await request();
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw new StorageUnavailableException(Location, name, e);
        }
    }

    /// <summary>
    /// Whether a Blob client's exception means storage failed (the network, timeouts, throttling, authorisation): the
    /// SDK throws RequestFailedException for an answer it dislikes, AggregateException once its retries of transport
    /// failures are spent.
    /// </summary>
    public static bool IsStorageFailure(Exception e) => e is RequestFailedException or AggregateException or HttpRequestException or TimeoutException;
}
