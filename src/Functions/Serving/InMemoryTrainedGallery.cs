using FaceFunctions.Artifacts;
using FaceFunctions.Index;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// The trained gallery of the in-process backend: the version's entries and vectors in memory, searched by
/// <paramref name="search"/>. Its id index and medians are computed once per version.
/// </summary>
public sealed class InMemoryTrainedGallery(ModelBundle bundle, IGallerySearch search) : ITrainedGallery
{
    private readonly Lazy<FacetVectors> _medians = new(bundle.GalleryMedians);
    private readonly TrainedCountsCache _counts = new();
    /// <summary>Ids are unique within a version (<see cref="ModelBundleChecks"/>).</summary>
    private readonly Dictionary<string, int> _rowOfId =
        bundle.Gallery.Select((entry, row) => (entry.Id, row)).ToDictionary(p => p.Id, p => p.row, StringComparer.Ordinal);

    public ModelBundle Bundle { get; } = bundle;
    public IGallerySearch Search { get; } = search;
    public int RowCount => Bundle.Gallery.Count;

    public Task<StoredRow?> FindAsync(string id, CancellationToken cancellationToken) => Task.FromResult(
        _rowOfId.TryGetValue(id, out var row) ? new StoredRow(row, Bundle.Gallery[row], Bundle.GalleryVector(row).ToArray()) : null);

    public Task<IReadOnlyList<StoredRow>> EntriesAsync(IReadOnlyCollection<int> rows, CancellationToken cancellationToken) =>
        Rows(rows.Where(row => row >= 0 && row < RowCount));

    public Task<IReadOnlyList<StoredRow>> PageAsync(int afterRow, int limit, GalleryFilter? filter, CancellationToken cancellationToken) =>
        Rows(Enumerable.Range(Math.Max(afterRow + 1, 0), Math.Max(RowCount - afterRow - 1, 0))
            .Where(row => filter is null || filter.Allows(Bundle.Gallery[row].Labels)).Take(limit));

    public Task<bool> HoldsImageAsync(string image, IReadOnlySet<string> erased, CancellationToken cancellationToken) =>
        Task.FromResult(Bundle.Gallery.Any(e => e.Image == image && !erased.Contains(e.Id)));

    public Task<FacetVectors> MediansAsync(CancellationToken cancellationToken) => Task.FromResult(_medians.Value);

    public Task<TrainedCounts> CountsAsync(IReadOnlySet<string> erased, CancellationToken cancellationToken) => _counts.GetAsync(erased.Count, () =>
    {
        var live = Bundle.Gallery.Where(e => !erased.Contains(e.Id)).ToList();
        return Task.FromResult(new TrainedCounts(live.Count, live.SelectMany(e => e.Labels).CountBy(label => (label.Key, label.Value)).ToDictionary()));
    });

    /// <summary>Nothing to delete: the version's files are immutable, and views mask erased rows.</summary>
    public Task ForgetAsync(IReadOnlySet<string> erased, CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => (Search as IDisposable)?.Dispose();

    /// <summary>The entries of these rows, without their vectors.</summary>
    private Task<IReadOnlyList<StoredRow>> Rows(IEnumerable<int> rows) =>
        Task.FromResult<IReadOnlyList<StoredRow>>(rows.Select(row =>
            new StoredRow(row, Bundle.Gallery[row], null)).ToList());
}
