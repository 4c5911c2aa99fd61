using System.Collections.Concurrent;
using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.GalleryChanges;
using FaceFunctions.Index;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// A loaded model version: its files, the ONNX session, the search over its trained gallery, and the view of the
/// gallery as the change log has it now (<see cref="View"/>). It counts its leases: one for being current, one per
/// request that uses it; the last one released disposes it.
/// </summary>
public sealed class ServingModel(ITrainedGallery trained, OnnxEmbedder embedder, DateTimeOffset loadedAtUtc)
{
    private int _leases = 1;
    private volatile GalleryView? _view;

    public ModelBundle Bundle => Trained.Bundle;
    public OnnxEmbedder Embedder { get; } = embedder;
    public IGallerySearch Gallery => Trained.Search;
    public DateTimeOffset LoadedAtUtc { get; } = loadedAtUtc;

    /// <summary>
    /// The gallery with the changes since training; a request reads it once and keeps that view. A model serves only
    /// once it has one (<see cref="GalleryService.ShowAsync"/>).
    /// </summary>
    public GalleryView View => _view ?? throw new InvalidOperationException($"Model {Bundle.Version} shows no gallery yet.");

    /// <summary>Whether a view has been shown: the gallery service skips a view of the same change again.</summary>
    internal long? ShownPosition => _view?.Position;

    /// <summary>The trained gallery every view of this version shares.</summary>
    public ITrainedGallery Trained { get; } = trained;

    /// <summary>Added images that another version embedded, embedded again by this one (id to vector).</summary>
    internal ConcurrentDictionary<string, float[]> Reembedded { get; } = new(StringComparer.Ordinal);

    /// <summary>Raised once, when the last lease ends and the model's resources are freed.</summary>
    public event Action<ServingModel>? Retired;

    internal void Show(GalleryView view) => _view = view;

    /// <summary>One more lease, unless the model has already retired.</summary>
    internal bool TryAcquire()
    {
        var leases = Volatile.Read(ref _leases);
        while (leases > 0)
        {
            var seen = Interlocked.CompareExchange(ref _leases, leases + 1, leases);
            if (seen == leases) return true;
            leases = seen;
        }
        return false;
    }

    internal void Release()
    {
        if (Interlocked.Decrement(ref _leases) != 0) return;
        Embedder.Dispose();
        Trained.Dispose();
        Retired?.Invoke(this);
    }
}
