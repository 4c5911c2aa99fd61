using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.Index;

namespace FaceFunctions.Functions.Serving;

/// <summary>A loaded model version: its files, the ONNX session, and the vector index over its gallery.</summary>
public sealed class ServingModel(ModelBundle bundle, OnnxEmbedder embedder, IVectorIndex index, DateTimeOffset loadedAtUtc) : IDisposable
{
    private readonly Dictionary<string, int> _rowOfId =
        bundle.Gallery.Select((entry, row) => (entry.Id, row)).ToDictionary(p => p.Id, p => p.row, StringComparer.Ordinal);

    public ModelBundle Bundle { get; } = bundle;
    public OnnxEmbedder Embedder { get; } = embedder;
    public IVectorIndex Index { get; } = index;
    public DateTimeOffset LoadedAtUtc { get; } = loadedAtUtc;

    public bool TryGetRow(string id, out int row) => _rowOfId.TryGetValue(id, out row);

    public void Dispose()
    {
        Embedder.Dispose();
        (Index as IDisposable)?.Dispose();
    }
}
