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
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.AddOptions<ServingOptions>().Bind(configuration.GetSection(ServingOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServingOptions>, ServingOptionsValidation>();
        services.AddSingleton(sp => ArtifactStores.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<ModelProvider>();
        services.AddSingleton<Api.ImageEmbedding>();
        services.AddHostedService<ModelLoaderService>();
        return services;
    }
}
