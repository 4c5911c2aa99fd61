using FaceFunctions.Functions.Serving;
using Azure.Storage.Blobs;
using FaceFunctions.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions;

public static class ServiceCollectionExtensions
{
    /// <summary>Everything the functions need; both hosts (the Functions worker and the local host) call this.</summary>
    public static IServiceCollection AddFaceFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.SectionName);
        services.AddOptions<StorageOptions>().Bind(storage);
        services.AddOptions<ServingOptions>().Bind(configuration.GetSection(ServingOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServingOptions>, ServingOptionsValidation>();
        services.AddBlobStorage(storage.Get<StorageOptions>() ?? new StorageOptions());
        services.AddSingleton<ModelProvider>();
        services.AddSingleton<Api.ImageEmbedding>();
        services.AddHostedService<ModelLoaderService>();
        return services;
    }

    /// <summary>
    /// The stores the Storage settings name. A Blob account's client is registered through Microsoft.Extensions.Azure
    /// (one BlobServiceClient, one credential, the retries and timeouts of <see cref="StorageOptions"/>) and injected.
    /// </summary>
    private static void AddBlobStorage(this IServiceCollection services, StorageOptions options)
    {
        var target = options.Target();
        if (target == StorageTarget.Folder)
        {
            services.AddSingleton(ArtifactStores.ForFolder(options.Folder!));
            return;
        }
        services.AddAzureClients(clients =>
        {
            var client = target == StorageTarget.ConnectionString
                ? clients.AddBlobServiceClient(options.ConnectionString)
                : clients.AddBlobServiceClient(options.ServiceUri!);
            client.ConfigureOptions(blob => ArtifactStores.Configure(blob, options));
            clients.UseCredential(ArtifactStores.Credential(options));
        });
        services.AddSingleton(sp => ArtifactStores.ForService(sp.GetRequiredService<BlobServiceClient>(), options));
    }
}
