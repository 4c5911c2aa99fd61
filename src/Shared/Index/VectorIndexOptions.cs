namespace FaceFunctions.Index;

/// <summary>Which index serves a gallery; bound from the configuration section "Serving:Index".</summary>
public sealed class VectorIndexOptions
{
    /// <summary>"exact" (SIMD scan), "hnsw" (approximate), or "auto": HNSW from <see cref="HnswFromCount"/> vectors on.</summary>
    public string Kind { get; set; } = "auto";
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
    public IVectorIndex Create(float[] rows, int dimensions) => Kind.ToLowerInvariant() switch
    {
        "exact" => new ExactVectorIndex(rows, dimensions, SearchThreads),
        "hnsw" => new HnswVectorIndex(rows, dimensions, this),
        "auto" => rows.Length / dimensions >= HnswFromCount
            ? new HnswVectorIndex(rows, dimensions, this)
            : new ExactVectorIndex(rows, dimensions, SearchThreads),
        _ => throw new ArgumentException($"Unknown index kind '{Kind}': use exact, hnsw or auto."),
    };
}
