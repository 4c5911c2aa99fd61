using Azure.Identity;
using Azure.Storage.Blobs;

namespace FaceFunctions.Storage;

/// <summary>The model store and the gallery-image store that a <see cref="StorageOptions"/> names.</summary>
public sealed record ArtifactStores(IArtifactStore Models, IArtifactStore Images)
{
    /// <summary>Gallery images live in this subfolder of a folder store.</summary>
    public const string ImagesFolder = "images";

    public static ArtifactStores Create(StorageOptions options)
    {
        var targets = new[] { options.Folder is not null, options.ConnectionString is not null, options.ServiceUri is not null };
        if (targets.Count(t => t) != 1)
            throw new InvalidOperationException(
                "Name exactly one storage target: Storage:Folder, Storage:ConnectionString or Storage:ServiceUri.");
        if (options.Folder is not null)
            return ForFolder(options.Folder);
        var service = ServiceClient(options);
        return new ArtifactStores(
            new BlobArtifactStore(service.GetBlobContainerClient(options.ModelsContainer)),
            new BlobArtifactStore(service.GetBlobContainerClient(options.ImagesContainer)));
    }

    /// <summary>The Blob service a connection string or a service URI (with the managed identity) names.</summary>
    public static BlobServiceClient ServiceClient(StorageOptions options) =>
        options.ConnectionString is not null
            ? new BlobServiceClient(options.ConnectionString, ClientOptions(options))
            : new BlobServiceClient(options.ServiceUri ?? throw new InvalidOperationException("Name Storage:ConnectionString or Storage:ServiceUri."),
                new DefaultAzureCredential(new DefaultAzureCredentialOptions
                {
                    ManagedIdentityClientId = string.IsNullOrEmpty(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
                }), ClientOptions(options));

    /// <summary>Retries and timeouts that fail a request within seconds when storage is down (<see cref="StorageOptions.NetworkTimeoutSeconds"/>).</summary>
    public static BlobClientOptions ClientOptions(StorageOptions options)
    {
        var client = new BlobClientOptions();
        client.Retry.Mode = Azure.Core.RetryMode.Exponential;
        client.Retry.MaxRetries = options.MaxRetries;
        client.Retry.Delay = TimeSpan.FromSeconds(0.25);
        client.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        client.Retry.NetworkTimeout = TimeSpan.FromSeconds(options.NetworkTimeoutSeconds);
        return client;
    }

    public static ArtifactStores ForFolder(string folder) =>
        new(new FolderArtifactStore(folder), new FolderArtifactStore(Path.Combine(folder, ImagesFolder)));
}
