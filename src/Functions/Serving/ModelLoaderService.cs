using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.Index;
using FaceFunctions.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// Loads the current model from storage when the app starts, then watches for a new one: every
/// <see cref="ServingOptions.PollInterval"/> it reads the pointer's tag (ETag), and when that changes it loads the new
/// version, checks every SHA-256 and that its parts fit, and swaps it in. A version that fails to load is refused and
/// logged, and the old one keeps serving. Until a first model loads the API answers 503, and loading is retried.
/// The provider's <see cref="ModelProvider.Failure"/> always describes the latest look at storage. Each look also reads
/// the gallery's change log and shows what is new on the model that serves; a new version serves only once it shows
/// every added image, embedded again by its own network.
/// </summary>
public sealed class ModelLoaderService(
    IModelSource source,
    ModelProvider provider,
    GalleryService gallery,
    IOptions<ServingOptions> options,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<ModelLoaderService>();
    private string? _loadedTag, _refusedTag;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await PollAsync(stoppingToken);
            await FollowGalleryAsync(stoppingToken);
            var wait = provider.Current is null ? options.Value.LoadRetryInterval : options.Value.PollInterval;
            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        string? tag = null;
        try
        {
            tag = await source.GetCurrentTagAsync(cancellationToken);
            if (tag is null)
            {
                if (provider.Current is null)
                    provider.Fail(LoadFailureKind.NothingPublished);
            }
            else if (tag == _loadedTag)
                provider.Recover();
            else if (tag != _refusedTag || provider.Current is null)
            {
                await LoadAsync(cancellationToken);
                _loadedTag = tag;
            }
        }
        catch (Exception e) when (e is StorageUnavailableException or GalleryUnavailableException)
        {
            provider.Fail(LoadFailureKind.StorageUnavailable);
            _logger.LogWarning("Model storage {Location} cannot be reached; {Serving}: {Error}",
                source.Location, provider.Current is null ? "nothing serves yet" : $"{provider.Current.Bundle.Version} keeps serving", e.Message);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            _refusedTag = tag;
            provider.Fail(LoadFailureKind.ModelRefused);
            _logger.LogError(e, "The model published in {Location} was refused; {Serving}: {Error}",
                source.Location, provider.Current is null ? "nothing serves yet" : $"{provider.Current.Bundle.Version} keeps serving", e.Message);
        }
    }

    /// <summary>Shows the changes of the gallery that other instances made on the model that serves.</summary>
    private async Task FollowGalleryAsync(CancellationToken cancellationToken)
    {
        using var lease = provider.Acquire();
        if (lease is null) return;
        try
        {
            if (await gallery.SyncAsync(cancellationToken) || lease.Model.View.Position != gallery.Position)
                await gallery.ShowAsync(lease.Model, strict: false, cancellationToken);
        }
        catch (Exception e) when (e is StorageUnavailableException or GalleryUnavailableException)
        {
            _logger.LogWarning("The gallery's change log cannot be read; the gallery stays as it was: {Error}", e.Message);
        }
        catch (InvalidDataException e)
        {
            _logger.LogError("The gallery's change log cannot be read; the gallery stays as it was: {Error}", e.Message);
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var trained = await source.LoadCurrentAsync(cancellationToken);
        var bundle = trained.Bundle;
        if (provider.Current?.Bundle.Version == bundle.Version)
        {
            trained.Dispose();
            provider.Recover(); // the pointer was rewritten or restored to the version that serves
            return;
        }
        var embedder = new OnnxEmbedder(bundle.Model, bundle.Preprocessing,
            new OnnxEmbedderOptions { IntraOpThreads = options.Value.InferenceThreads }, loggers.CreateLogger<OnnxEmbedder>());
        var model = new ServingModel(trained, embedder, DateTimeOffset.UtcNow);
        try
        {
            embedder.Verify(bundle.Dimensions);
            await gallery.SyncAsync(cancellationToken);
            await gallery.ShowAsync(model, strict: true, cancellationToken);
        }
        catch
        {
            model.Release();
            throw;
        }
        model.Retired += retired => _logger.LogInformation("Model {Version} retired: its last request has ended.", retired.Bundle.Version);
        var replaced = provider.Swap(model);
        _logger.LogInformation("Serving model {Version} (replacing {Replaced}): {Count} gallery images ({Added} added since training), {Dimensions} dimensions, {Index} index, from {Location}, loaded in {Milliseconds} ms.",
            bundle.Version, replaced ?? "none", model.View.Count, model.View.AddedCount, bundle.Dimensions, trained.Search.Description, source.Location,
            (DateTimeOffset.UtcNow - started).TotalMilliseconds);
    }
}
