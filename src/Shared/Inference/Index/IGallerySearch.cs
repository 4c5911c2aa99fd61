using FaceFunctions.Artifacts;

namespace FaceFunctions.Index;

/// <summary>
/// Nearest gallery images of a model version by cosine similarity, optionally among those a filter allows: in this
/// process (<see cref="InProcessGallery"/>) or in PostgreSQL (<see cref="Postgres.PgVectorGallery"/>). Safe from many threads.
/// </summary>
public interface IGallerySearch
{
    int Count { get; }
    int Dimensions { get; }
    /// <summary>What answers, for the log ("HnswVectorIndex", "pgvector (hnsw)").</summary>
    string Description { get; }

    /// <exception cref="GalleryUnavailableException">The index cannot be reached (a database down); the caller may retry.</exception>
    Task<IReadOnlyList<SearchHit>> SearchAsync(ReadOnlyMemory<float> query, int k, GalleryFilter? filter, CancellationToken cancellationToken);
}

/// <summary>The gallery's index cannot answer now (its database is down or the version's table has gone).</summary>
public sealed class GalleryUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// The gallery in memory: unfiltered searches go to the configured index (exact or HNSW), filtered ones to an exact
/// scan of the allowed rows over the same vectors, without a copy.
/// </summary>
public sealed class InProcessGallery(IVectorIndex index, float[] vectors, int dimensions, IReadOnlyList<GalleryEntry> entries) : IGallerySearch, IDisposable
{
    private readonly ExactVectorIndex _filtered = new(vectors, dimensions, threads: 1);

    public int Count => index.Count;
    public int Dimensions => index.Dimensions;
    public string Description => index.GetType().Name;

    public Task<IReadOnlyList<SearchHit>> SearchAsync(ReadOnlyMemory<float> query, int k, GalleryFilter? filter, CancellationToken cancellationToken) =>
        Task.FromResult(filter is null ? index.Search(query.Span, k) : _filtered.Search(query.Span, k, filter.Rows(entries)));

    public void Dispose() => (index as IDisposable)?.Dispose();
}
