using Azure.Identity;
using Azure.Storage.Blobs;

namespace FaceFunctions.Storage;

/// <summary>The model store and the gallery-image store that a <see cref="StorageOptions"/> names.</summary>
public sealed record ArtifactStores(IArtifactStore Models, IArtifactStore Images)
{
    /// <summary>Gallery images live in this subfolder of a folder store.</summary>
    public const string ImagesFolder = "images";

    public static ArtifactStores Create(StorageOptions options) =>
        options.Target() == StorageTarget.Folder ? ForFolder(options.Folder!) : ForService(ServiceClient(options), options);

    /// <summary>The containers the options name in a Blob service (a client the host injects, or <see cref="ServiceClient"/>).</summary>
    public static ArtifactStores ForService(BlobServiceClient service, StorageOptions options) => new(
        new BlobArtifactStore(service.GetBlobContainerClient(options.ModelsContainer)),
        new BlobArtifactStore(service.GetBlobContainerClient(options.ImagesContainer)));

    /// <summary>The Blob service a connection string or a service URI (with the managed identity) names.</summary>
    public static BlobServiceClient ServiceClient(StorageOptions options) =>
        options.ConnectionString is not null
            ? new BlobServiceClient(options.ConnectionString, ClientOptions(options))
            : new BlobServiceClient(options.ServiceUri ?? throw new InvalidOperationException("Name Storage:ConnectionString or Storage:ServiceUri."),
                Credential(options), ClientOptions(options));

    /// <summary>The managed identity (DefaultAzureCredential; a user-assigned one by its client id).</summary>
    public static DefaultAzureCredential Credential(StorageOptions options) => new(new DefaultAzureCredentialOptions
    {
        ManagedIdentityClientId = string.IsNullOrEmpty(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
    });

    /// <summary>Retries and timeouts that fail a request within seconds when storage is down (<see cref="StorageOptions.NetworkTimeoutSeconds"/>).</summary>
    public static BlobClientOptions ClientOptions(StorageOptions options)
    {
        var client = new BlobClientOptions();
        Configure(client, options);
        return client;
    }

    /// <summary>Sets <paramref name="client"/>'s retries and timeouts from the options.</summary>
    public static void Configure(BlobClientOptions client, StorageOptions options)
    {
        client.Retry.Mode = Azure.Core.RetryMode.Exponential;
        client.Retry.MaxRetries = options.MaxRetries;
        client.Retry.Delay = TimeSpan.FromSeconds(0.25);
        client.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        client.Retry.NetworkTimeout = TimeSpan.FromSeconds(options.NetworkTimeoutSeconds);
    }

    public static ArtifactStores ForFolder(string folder) =>
        new(new FolderArtifactStore(folder), new FolderArtifactStore(Path.Combine(folder, ImagesFolder)));
}
