using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// Loads the current model from storage when the app starts, then watches for a new one: every
/// <see cref="ServingOptions.PollSeconds"/> it reads the pointer's tag (ETag), and when that changes it loads the new
/// version, checks every SHA-256, and swaps it in. A version that fails to load is refused and logged, and the old
/// one keeps serving. Until a first model loads the API answers 503, and loading is retried.
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
        string? loadedTag = null, refusedTag = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var tag = await repository.GetCurrentTagAsync(stoppingToken);
                if (tag is null && provider.Current is null)
                    provider.Fail($"No model has been published to {stores.Models.Location} yet.");
                else if (tag != loadedTag && (tag != refusedTag || provider.Current is null))
                {
                    await LoadAsync(repository, stoppingToken);
                    loadedTag = tag;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                refusedTag = await TryGetTagAsync(repository, stoppingToken);
                provider.Fail(e.Message);
                if (provider.Current is null)
                    _logger.LogWarning("No model could be loaded from {Location}: {Error} Retrying in {Seconds} s.",
                        stores.Models.Location, e.Message, options.Value.LoadRetrySeconds);
                else
                    _logger.LogError("A new model in {Location} was refused; {Version} keeps serving: {Error}",
                        stores.Models.Location, provider.Current.Bundle.Version, e.Message);
            }
            var wait = provider.Current is null ? options.Value.LoadRetrySeconds : options.Value.PollSeconds;
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task LoadAsync(ModelRepository repository, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var bundle = await repository.LoadCurrentAsync(cancellationToken);
        if (provider.Current?.Bundle.Version == bundle.Version) return;
        var embedder = new OnnxEmbedder(bundle.Model, bundle.Preprocessing,
            new OnnxEmbedderOptions { IntraOpThreads = options.Value.InferenceThreads }, loggers.CreateLogger<OnnxEmbedder>());
        var index = options.Value.Index.Create(bundle.GalleryVectors, bundle.Dimensions);
        var replaced = provider.Swap(new ServingModel(bundle, embedder, index, DateTimeOffset.UtcNow));
        _logger.LogInformation("Serving model {Version}: {Count} gallery images, {Dimensions} dimensions, {Index} index, from {Location}, loaded in {Milliseconds} ms.",
            bundle.Version, bundle.Gallery.Count, bundle.Dimensions, index.GetType().Name, stores.Models.Location, (DateTimeOffset.UtcNow - started).TotalMilliseconds);
        if (replaced is not null)
            _ = RetireAsync(replaced);
    }

    /// <summary>Disposes a replaced model once the requests that started on it have had time to finish.</summary>
    private async Task RetireAsync(ServingModel model)
    {
        await Task.Delay(TimeSpan.FromSeconds(options.Value.RetireSeconds));
        model.Dispose();
        _logger.LogInformation("Model {Version} retired.", model.Bundle.Version);
    }

    private static async Task<string?> TryGetTagAsync(ModelRepository repository, CancellationToken cancellationToken)
    {
        try
        {
            return await repository.GetCurrentTagAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
