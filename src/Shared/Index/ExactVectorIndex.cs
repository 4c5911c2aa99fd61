using System.Numerics.Tensors;

namespace FaceFunctions.Index;

/// <summary>Exact search: one SIMD dot product per row over a contiguous row-major matrix; immutable, so thread-safe.</summary>
public sealed class ExactVectorIndex : IVectorIndex
{
    private readonly float[] _rows;

    public ExactVectorIndex(float[] rows, int dimensions)
    {
        _rows = rows;
        Dimensions = dimensions;
        Count = IndexArguments.RowCount(rows, dimensions);
    }

    public int Count { get; }
    public int Dimensions { get; }

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k)
    {
        k = IndexArguments.Clamp(query, k, this);
        if (k == 0) return [];
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
