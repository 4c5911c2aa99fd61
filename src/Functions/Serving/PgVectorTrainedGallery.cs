using FaceFunctions.Artifacts;
using FaceFunctions.Index;
using FaceFunctions.Index.Postgres;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// The trained gallery of the pgvector backend: the version's table is the truth, and nothing of it is loaded. Entries
/// come by id, row or page as requests need them; an erasure deletes the rows from every version's table; counts are
/// the server's, and the medians the training job stored beside the version.
/// </summary>
public sealed class PgVectorTrainedGallery(ModelBundle bundle, PgVectorGallery search, PgVectorRows table) : ITrainedGallery
{
    private volatile FacetVectors? _medians;
    private int _forgotten;
    private readonly TrainedCountsCache _counts = new();

    public ModelBundle Bundle { get; } = bundle;
    public IGallerySearch Search => search;
    public int RowCount => table.Version.Count;

    public async Task<StoredRow?> FindAsync(string id, CancellationToken cancellationToken) =>
        (await table.ByIdsAsync([id], cancellationToken)).SingleOrDefault();

    public Task<IReadOnlyList<StoredRow>> EntriesAsync(IReadOnlyCollection<int> rows, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.FromResult<IReadOnlyList<StoredRow>>([]) : table.ByRowsAsync(rows, cancellationToken);

    public Task<IReadOnlyList<StoredRow>> PageAsync(int afterRow, int limit, GalleryFilter? filter, CancellationToken cancellationToken) =>
        table.PageAsync(afterRow, limit, filter, cancellationToken);

    /// <summary>Erased rows are deleted (<see cref="ForgetAsync"/>) before anyone asks.</summary>
    public Task<bool> HoldsImageAsync(string image, IReadOnlySet<string> erased, CancellationToken cancellationToken) =>
        table.HoldsImageAsync(image, cancellationToken);

    /// <summary>The medians the training job stored beside the version, read once.</summary>
    public async Task<FacetVectors> MediansAsync(CancellationToken cancellationToken) =>
        _medians ??= await table.MediansAsync(cancellationToken);

    /// <summary>The table's counts, computed again only when the log names more erased images.</summary>
    public Task<TrainedCounts> CountsAsync(IReadOnlySet<string> erased, CancellationToken cancellationToken) => _counts.GetAsync(erased.Count, async () =>
    {
        var values = await table.CountsAsync(cancellationToken);
        return new TrainedCounts(values.Where(v => v.Key.Facet == Bundle.FacetNames[0]).Sum(v => v.Value), values);
    });

    /// <summary>Deletes the erased rows from every version's table whenever the log names more of them.</summary>
    public async Task ForgetAsync(IReadOnlySet<string> erased, CancellationToken cancellationToken)
    {
        if (erased.Count == Volatile.Read(ref _forgotten))
            return;
        await table.EraseEverywhereAsync(erased, cancellationToken);
        Volatile.Write(ref _forgotten, erased.Count);
    }

    /// <summary>Nothing held: the data source belongs to the app.</summary>
    public void Dispose() { }
}
