namespace FaceFunctions.Functions.Serving;

/// <summary>Limits and behaviour of the HTTP API; bound from the configuration section "Serving".</summary>
public sealed class ServingOptions
{
    public const string SectionName = "Serving";

    /// <summary>Largest request body accepted (bytes); larger ones get 413.</summary>
    public long MaxRequestBytes { get; set; } = 4 * 1024 * 1024;
    /// <summary>Largest decoded image (width × height); larger ones get 413 before any pixel is decoded.</summary>
    public long MaxImagePixels { get; set; } = 40_000_000;
    /// <summary>Images decoded at once (0: one per core); more requests wait their turn, so memory stays bounded.</summary>
    public int MaxConcurrentDecodes { get; set; }
    public int DecodeSlots => MaxConcurrentDecodes > 0 ? MaxConcurrentDecodes : Environment.ProcessorCount;
    public int DefaultK { get; set; } = 5;
    /// <summary>Most facet values, images and predicted subtractions one compose query may combine.</summary>
    public int MaxTerms { get; set; } = 16;
    public int MaxK { get; set; } = 100;
    /// <summary>The wait between attempts while no model could be loaded (storage down, nothing published yet).</summary>
    public TimeSpan LoadRetryInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>The wait between checks for a new current model (one small metadata request each).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// Changes of the gallery (additions, erasures) after which the writer folds the log into a snapshot and deletes
    /// them, so that an instance that starts reads one snapshot and a few changes, not the whole history.
    /// </summary>
    public int GalleryCompactAfter { get; set; } = 500;
    /// <summary>Where the gallery is searched: in this process (Serving:Index) or in PostgreSQL (the Postgres section).</summary>
    public GalleryBackend Gallery { get; set; } = GalleryBackend.InProcess;
    /// <summary>The in-process gallery's vector index (Serving:Index:Kind and its HNSW settings).</summary>
    public FaceFunctions.Index.VectorIndexOptions Index { get; set; } = new();
    /// <summary>Threads one ONNX Runtime inference may use; 0 lets ONNX Runtime choose.</summary>
    public int InferenceThreads { get; set; }
}

/// <summary>Where the gallery's vectors are searched (settings name it case-insensitively: inprocess, pgvector).</summary>
public enum GalleryBackend
{
    /// <summary>Every instance holds the gallery in memory and indexes it (exact or HNSW).</summary>
    InProcess,
    /// <summary>PostgreSQL with pgvector holds it; instances hold the model and the gallery's labels.</summary>
    Pgvector,
}
