using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;

namespace FaceFunctions.Storage;

/// <summary>The model store and the gallery-image store that a <see cref="StorageOptions"/> names.</summary>
public sealed record ArtifactStores(IArtifactStore Models, IArtifactStore Images)
{
    /// <summary>Gallery images live in this subfolder of a folder store.</summary>
    public const string ImagesFolder = "images";

    /// <summary>The stores alone, for tests and benchmarks; hosts register them with <see cref="StorageServices.AddArtifactStores"/>.</summary>
    public static ArtifactStores Create(StorageOptions options) =>
        StorageServices.Provider(options).GetRequiredService<ArtifactStores>();

    /// <summary>The containers the options name in a Blob service whose client is injected.</summary>
    public static ArtifactStores ForService(BlobServiceClient service, StorageOptions options) => new(
        new BlobArtifactStore(service.GetBlobContainerClient(options.ModelsContainer)),
        new BlobArtifactStore(service.GetBlobContainerClient(options.ImagesContainer)));

    /// <summary>The managed identity (DefaultAzureCredential; a user-assigned one by its client id).</summary>
    public static DefaultAzureCredential Credential(StorageOptions options) => new(new DefaultAzureCredentialOptions
    {
        ManagedIdentityClientId = string.IsNullOrEmpty(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
    });

    /// <summary>
    /// Sets <paramref name="client"/>'s retries and timeouts from the options: a request fails within seconds when
    /// storage is down (<see cref="StorageOptions.NetworkTimeout"/>).
    /// </summary>
    public static void Configure(BlobClientOptions client, StorageOptions options)
    {
        client.Retry.Mode = Azure.Core.RetryMode.Exponential;
        client.Retry.MaxRetries = options.MaxRetries;
        client.Retry.Delay = TimeSpan.FromSeconds(0.25);
        client.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        client.Retry.NetworkTimeout = options.NetworkTimeout;
    }

    public static ArtifactStores ForFolder(string folder) =>
        new(new FolderArtifactStore(folder), new FolderArtifactStore(Path.Combine(folder, ImagesFolder)));
}
