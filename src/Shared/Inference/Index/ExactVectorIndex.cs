using System.Numerics.Tensors;

namespace FaceFunctions.Index;

/// <summary>
/// Exact search: one SIMD dot product per row over a contiguous row-major matrix; immutable, so thread-safe. A large
/// matrix is scanned in slices on several threads, each keeping its own best k, merged at the end: one query's latency
/// then falls with the cores while the total work stays the same.
/// </summary>
public sealed class ExactVectorIndex : IVectorIndex
{
    /// <summary>Fewer values than this per slice and a thread costs more to start than it saves.</summary>
    private const int MinValuesPerSlice = 1 << 21;

    private readonly float[] _rows;
    private readonly int _slices;

    /// <param name="threads">Most threads one search uses; 0: every core.</param>
    public ExactVectorIndex(float[] rows, int dimensions, int threads = 0)
    {
        _rows = rows;
        Dimensions = dimensions;
        Count = IndexArguments.RowCount(rows, dimensions);
        var cores = threads > 0 ? threads : Environment.ProcessorCount;
        _slices = Math.Clamp(rows.Length / MinValuesPerSlice, 1, cores);
    }

    public int Count { get; }
    public int Dimensions { get; }

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k) => Search(query, k, allowed: null);

    /// <summary>The best k among the rows whose entry in <paramref name="allowed"/> is true (every row when null).</summary>
    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k, bool[]? allowed)
    {
        k = IndexArguments.Clamp(query, k, this);
        if (allowed is not null && allowed.Length != Count)
            throw new ArgumentException($"The filter has {allowed.Length} rows, the index {Count}.", nameof(allowed));
        if (k == 0) return [];
        if (_slices == 1) return Best(query, 0, Count, k, allowed);
        var shared = query.ToArray();
        var best = new SearchHit[_slices][];
        Parallel.For(0, _slices, s => best[s] = Best(shared, (int)((long)Count * s / _slices), (int)((long)Count * (s + 1) / _slices), k, allowed));
        return best.SelectMany(b => b).OrderByDescending(h => h.Score).ThenBy(h => h.Row).Take(k).ToArray();
    }

    /// <summary>The best k of the allowed rows in [from, to), sorted by descending score; ties keep the lower row first.</summary>
    private SearchHit[] Best(ReadOnlySpan<float> query, int from, int to, int k, bool[]? allowed)
    {
        var best = new SearchHit[Math.Min(k, to - from)];
        k = best.Length;
        var filled = 0;
        var rows = _rows.AsSpan();
        for (var row = from; row < to; row++)
        {
            if (allowed is not null && !allowed[row]) continue;
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
        return filled == best.Length ? best : best[..filled];
    }
}
