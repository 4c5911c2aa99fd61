namespace FaceFunctions.Index;

/// <summary>Which index serves a gallery; bound from the configuration section "Serving:Index".</summary>
public sealed class VectorIndexOptions
{
    public VectorIndexKind Kind { get; set; } = VectorIndexKind.Auto;
    public int HnswFromCount { get; set; } = 200_000;
    /// <summary>HNSW edges per node (M).</summary>
    public int Connectivity { get; set; } = 16;
    public int ExpansionAdd { get; set; } = 128;
    /// <summary>HNSW candidates kept while searching (ef): higher finds more of the true neighbours, slower.</summary>
    public int ExpansionSearch { get; set; } = 128;

    /// <summary>
    /// Most threads one exact search spreads a large gallery over; 0: every core. One by default: an instance under
    /// load answers many requests at once, and splitting each scan then only adds work (docs/performance.md); more
    /// halves one search's time over 100k+ vectors on an idle instance.
    /// </summary>
    public int SearchThreads { get; set; } = 1;

    /// <summary>Builds the index these options name over row-major unit-length vectors.</summary>
    public IVectorIndex Create(float[] rows, int dimensions) => Kind switch
    {
        VectorIndexKind.Exact => new ExactVectorIndex(rows, dimensions, SearchThreads),
        VectorIndexKind.Hnsw => new HnswVectorIndex(rows, dimensions, this),
        _ => rows.Length / dimensions >= HnswFromCount
            ? new HnswVectorIndex(rows, dimensions, this)
            : new ExactVectorIndex(rows, dimensions, SearchThreads),
    };
}

/// <summary>Which index serves a gallery (settings name it case-insensitively: exact, hnsw, auto).</summary>
public enum VectorIndexKind
{
    /// <summary>HNSW from <see cref="VectorIndexOptions.HnswFromCount"/> vectors on, else the exact scan.</summary>
    Auto,
    /// <summary>A SIMD scan of every vector.</summary>
    Exact,
    /// <summary>Approximate nearest neighbours (USearch).</summary>
    Hnsw,
}
