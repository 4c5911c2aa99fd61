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

    /// <summary>Builds the index these options name over row-major unit-length vectors.</summary>
    public IVectorIndex Create(float[] rows, int dimensions) => Kind.ToLowerInvariant() switch
    {
        "exact" => new ExactVectorIndex(rows, dimensions),
        "hnsw" => new HnswVectorIndex(rows, dimensions, this),
        "auto" => rows.Length / dimensions >= HnswFromCount
            ? new HnswVectorIndex(rows, dimensions, this)
            : new ExactVectorIndex(rows, dimensions),
        _ => throw new ArgumentException($"Unknown index kind '{Kind}': use exact, hnsw or auto."),
    };
}
