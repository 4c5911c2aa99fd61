using FaceFunctions.Functions.Serving;
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
        services.AddArtifactStores(configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions());
        services.AddSingleton<ModelProvider>();
        services.AddSingleton<Api.ImageEmbedding>();
        services.AddHostedService<ModelLoaderService>();
        return services;
    }
}
