using FaceFunctions.Functions.Serving;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions;

public static class ServiceCollectionExtensions
{
    /// <summary>Everything the functions need; both hosts (the Functions worker and the local host) call this.</summary>
    public static IServiceCollection AddFaceFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ServingOptions>().Bind(configuration.GetSection(ServingOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServingOptions>, ServingOptionsValidation>();
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        services.AddArtifactStores(storage);
        services.AddSingleton<ModelProvider>();
        AddModelSource(services, configuration);
        services.AddSingleton<Api.ImageEmbedding>();
        services.AddSingleton<GalleryService>();
        services.AddSingleton<GalleryAdditions>();
        // Ingestion reads the incoming container of the Blob account; a folder store has none (the trigger then says so).
        if (storage.Target() != StorageTarget.Folder)
            services.AddSingleton(sp => new Ingestion.IncomingImages(sp.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>()));
        services.AddOptions<Access.AccessOptions>().Bind(configuration.GetSection(Access.AccessOptions.SectionName))
            .PostConfigure(access => access.LeaveOutUnset()).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Access.AccessOptions>, Access.AccessOptionsValidation>();
        services.AddSingleton<Access.TokenValidator>();
        services.AddSingleton<Access.CallerLimits>();
        services.AddSingleton<Access.CallerGate>();
        services.AddHostedService<ModelLoaderService>();
        return services;
    }

    /// <summary>The in-process backend, or the pgvector one with its data source (one per app, pooling connections).</summary>
    private static void AddModelSource(IServiceCollection services, IConfiguration configuration)
    {
        var backend = configuration.GetSection(ServingOptions.SectionName).Get<ServingOptions>()?.Gallery ?? GalleryBackend.InProcess;
        if (backend == GalleryBackend.InProcess)
        {
            services.AddSingleton<IModelSource, StorageModelSource>();
            return;
        }
        services.AddOptions<PostgresOptions>().Bind(configuration.GetSection(PostgresOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PostgresOptions>, PostgresOptionsValidation>();
        services.AddSingleton(sp => PostgresDataSources.Create(sp.GetRequiredService<IOptions<PostgresOptions>>().Value));
        services.AddSingleton<IModelSource, PgVectorModelSource>();
    }
}
