using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// Loads the current model from storage when the app starts, checking every SHA-256, and keeps trying while it
/// cannot (nothing published yet, storage unreachable): until then the API answers 503.
/// </summary>
public sealed class ModelLoaderService(
    ArtifactStores stores,
    ModelProvider provider,
    IOptions<ServingOptions> options,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<ModelLoaderService>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var repository = new ModelRepository(stores.Models);
        while (!stoppingToken.IsCancellationRequested && provider.Current is null)
        {
            try
            {
                var bundle = await repository.LoadCurrentAsync(stoppingToken);
                var embedder = new OnnxEmbedder(bundle.Model, bundle.Preprocessing,
                    new OnnxEmbedderOptions { IntraOpThreads = options.Value.InferenceThreads }, loggers.CreateLogger<OnnxEmbedder>());
                provider.Set(new ServingModel(bundle, embedder, DateTimeOffset.UtcNow));
                _logger.LogInformation("Serving model {Version}: {Count} gallery images, {Dimensions} dimensions, from {Location}.",
                    bundle.Version, bundle.Gallery.Count, bundle.Dimensions, stores.Models.Location);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                provider.Fail(e.Message);
                _logger.LogWarning("No model could be loaded from {Location}: {Error} Retrying in {Seconds} s.",
                    stores.Models.Location, e.Message, options.Value.LoadRetrySeconds);
            }
            await Task.Delay(TimeSpan.FromSeconds(options.Value.LoadRetrySeconds), stoppingToken);
        }
    }
}
