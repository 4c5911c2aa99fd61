using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.Index;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// A loaded model version: its files, the ONNX session, and the search over its gallery. It counts its leases:
/// one for being current, one per request that uses it; the last one released disposes it.
/// </summary>
public sealed class ServingModel(ModelBundle bundle, OnnxEmbedder embedder, IGallerySearch gallery, DateTimeOffset loadedAtUtc)
{
    private readonly Dictionary<string, int> _rowOfId =
        bundle.Gallery.Select((entry, row) => (entry.Id, row)).ToDictionary(p => p.Id, p => p.row, StringComparer.Ordinal);
    private int _leases = 1;

    public ModelBundle Bundle { get; } = bundle;
    public OnnxEmbedder Embedder { get; } = embedder;
    public IGallerySearch Gallery { get; } = gallery;
    public DateTimeOffset LoadedAtUtc { get; } = loadedAtUtc;

    /// <summary>Raised once, when the last lease ends and the model's resources are freed.</summary>
    public event Action<ServingModel>? Retired;

    public bool TryGetRow(string id, out int row) => _rowOfId.TryGetValue(id, out row);

    /// <summary>The nearest gallery images, among those the filter allows when there is one.</summary>
    /// <exception cref="GalleryUnavailableException">The gallery's database cannot answer now.</exception>
    public Task<IReadOnlyList<SearchHit>> SearchAsync(ReadOnlyMemory<float> query, int k, GalleryFilter? filter, CancellationToken cancellationToken) =>
        Gallery.SearchAsync(query, k, filter, cancellationToken);

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
        (Gallery as IDisposable)?.Dispose();
        Retired?.Invoke(this);
    }
}
