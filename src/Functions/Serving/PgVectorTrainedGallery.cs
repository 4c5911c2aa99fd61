using FaceFunctions.Artifacts;
using FaceFunctions.Index;
using FaceFunctions.Index.Postgres;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// The trained gallery of the pgvector backend: the version's table is the truth, and nothing of it is loaded. Entries
/// come by id, row or page as requests need them; an erasure deletes the rows from every version's table; counts and
/// medians are the server's.
/// </summary>
public sealed class PgVectorTrainedGallery(ModelBundle bundle, PgVectorGallery search, PgVectorRows table) : ITrainedGallery
{
    private readonly SemaphoreSlim _mediansGate = new(1, 1);
    private FacetVectors? _medians;
    private int _forgotten;
    private volatile CountsAt? _counts;

    public ModelBundle Bundle { get; } = bundle;
    public IGallerySearch Search => search;
    public int RowCount => table.Version.Count;

    public Task<IReadOnlyList<StoredRow>> FindAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        ids.Count == 0 ? Task.FromResult<IReadOnlyList<StoredRow>>([]) : table.ByIdsAsync(ids, cancellationToken);

    public Task<IReadOnlyList<StoredRow>> EntriesAsync(IReadOnlyCollection<int> rows, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.FromResult<IReadOnlyList<StoredRow>>([]) : table.ByRowsAsync(rows, cancellationToken);

    public Task<IReadOnlyList<StoredRow>> PageAsync(int afterRow, int limit, GalleryFilter? filter, CancellationToken cancellationToken) =>
        table.PageAsync(afterRow, limit, filter, cancellationToken);

    /// <summary>Erased rows are deleted (<see cref="ForgetAsync"/>) before anyone asks.</summary>
    public Task<bool> HoldsImageAsync(string image, IReadOnlySet<string> erased, CancellationToken cancellationToken) =>
        table.HoldsImageAsync(image, cancellationToken);

    /// <summary>The model's own facet vectors where they are medians; else the server's medians, computed once.</summary>
    public async Task<FacetVectors> MediansAsync(CancellationToken cancellationToken)
    {
        if (!Bundle.LearnedFacetVectors)
            return Bundle.Facets;
        await _mediansGate.WaitAsync(cancellationToken);
        try
        {
            return _medians ??= await table.MediansAsync(Bundle.FacetNames, cancellationToken);
        }
        finally
        {
            _mediansGate.Release();
        }
    }

    /// <summary>The table's counts, computed again only when the log names more erased images.</summary>
    public async Task<TrainedCounts> CountsAsync(IReadOnlySet<string> erased, CancellationToken cancellationToken)
    {
        if (_counts is { } known && known.Erased == erased.Count)
            return known.Counts;
        var values = await table.CountsAsync(cancellationToken);
        var counts = new TrainedCounts(values.Where(v => v.Key.Facet == Bundle.FacetNames[0]).Sum(v => v.Value), values);
        _counts = new CountsAt(erased.Count, counts);
        return counts;
    }

    /// <summary>Deletes the erased rows from every version's table whenever the log names more of them.</summary>
    public async Task ForgetAsync(IReadOnlySet<string> erased, CancellationToken cancellationToken)
    {
        if (erased.Count == Volatile.Read(ref _forgotten))
            return;
        await table.EraseEverywhereAsync(erased, cancellationToken);
        Volatile.Write(ref _forgotten, erased.Count);
    }

    public void Dispose() => _mediansGate.Dispose();

    private sealed record CountsAt(int Erased, TrainedCounts Counts);
}
