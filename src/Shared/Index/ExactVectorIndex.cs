using System.Numerics.Tensors;

namespace FaceFunctions.Index;

/// <summary>Exact search: one SIMD dot product per row over a contiguous row-major matrix; immutable, so thread-safe.</summary>
public sealed class ExactVectorIndex : IVectorIndex
{
    private readonly float[] _rows;

    public ExactVectorIndex(float[] rows, int dimensions)
    {
        if (dimensions <= 0 || rows.Length % dimensions != 0)
            throw new ArgumentException($"{rows.Length} values do not make rows of {dimensions}.", nameof(rows));
        _rows = rows;
        Dimensions = dimensions;
        Count = rows.Length / dimensions;
    }

    public int Count { get; }
    public int Dimensions { get; }

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k)
    {
        if (query.Length != Dimensions)
            throw new ArgumentException($"The query has {query.Length} dimensions, the index {Dimensions}.", nameof(query));
        k = Math.Min(k, Count);
        if (k <= 0) return [];
        // Best hits so far, sorted by descending score; ties keep the lower row first.
        var best = new SearchHit[k];
        var filled = 0;
        var rows = _rows.AsSpan();
        for (var row = 0; row < Count; row++)
        {
            var score = TensorPrimitives.Dot(query, rows.Slice(row * Dimensions, Dimensions));
            if (filled == k && score <= best[k - 1].Score) continue;
            var at = filled < k ? filled++ : k - 1;
            while (at > 0 && best[at - 1].Score < score)
            {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = new SearchHit(row, score);
        }
        return best;
    }
}
