using Azure.Storage.Blobs;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;

namespace FaceFunctions.Storage;

/// <summary>
/// The stores the Storage settings name, registered for injection: a folder's, or a Blob account's through
/// Microsoft.Extensions.Azure (one <see cref="BlobServiceClient"/>, one credential, the retries and timeouts of
/// <see cref="StorageOptions"/>). The function app and the training job both take their stores from here.
/// </summary>
public static class StorageServices
{
    /// <exception cref="InvalidOperationException">The options name no storage target, or more than one.</exception>
    public static IServiceCollection AddArtifactStores(this IServiceCollection services, StorageOptions options)
    {
        var target = options.Target();
        if (target == StorageTarget.Folder)
            return services.AddSingleton(ArtifactStores.ForFolder(options.Folder!));
        services.AddAzureClients(clients =>
        {
            var client = target == StorageTarget.ConnectionString
                ? clients.AddBlobServiceClient(options.ConnectionString)
                : clients.AddBlobServiceClient(options.ServiceUri!);
            client.ConfigureOptions(blob => ArtifactStores.Configure(blob, options));
            clients.UseCredential(ArtifactStores.Credential(options));
        });
        return services.AddSingleton(sp => ArtifactStores.ForService(sp.GetRequiredService<BlobServiceClient>(), options));
    }

    /// <summary>A container of the stores and the Blob client for a process that has no host of its own (the training job).</summary>
    public static ServiceProvider Provider(StorageOptions options) => new ServiceCollection().AddArtifactStores(options).BuildServiceProvider();
}
