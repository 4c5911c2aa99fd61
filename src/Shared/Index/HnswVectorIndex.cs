using Cloud.Unum.USearch;

namespace FaceFunctions.Index;

/// <summary>
/// Approximate search over an HNSW graph (USearch, cosine). Built once in the constructor, since USearch's Add is not
/// thread-safe; concurrent searches are. Rows are the keys, so hits name rows as the exact index does. The index is
/// built in memory rather than loaded from a file: a loaded USearch index forgets its search expansion
/// (../shared/FINDINGS.md).
/// </summary>
public sealed class HnswVectorIndex : IVectorIndex, IDisposable
{
    private readonly USearchIndex _index;

    public HnswVectorIndex(float[] rows, int dimensions, VectorIndexOptions options)
    {
        Dimensions = dimensions;
        Count = IndexArguments.RowCount(rows, dimensions);
        _index = new USearchIndex(MetricKind.Cos, ScalarKind.Float32, (ulong)dimensions,
            (ulong)options.Connectivity, (ulong)options.ExpansionAdd, (ulong)options.ExpansionSearch, multi: false);
        for (var row = 0; row < Count; row++)
            _index.Add((ulong)row, rows.AsSpan(row * dimensions, dimensions).ToArray());
    }

    public int Count { get; }
    public int Dimensions { get; }

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k)
    {
        k = IndexArguments.Clamp(query, k, this);
        if (k == 0) return [];
        var found = _index.Search(query.ToArray(), k, out var keys, out var distances);
        return Enumerable.Range(0, found).Select(i => new SearchHit((int)keys[i], 1f - distances[i])).ToList();
    }

    public void Dispose() => _index.Dispose();
}
