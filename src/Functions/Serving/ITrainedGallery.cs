using FaceFunctions.Artifacts;
using FaceFunctions.Index;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// The trained part of a version's gallery, shared by every <see cref="GalleryView"/> of it: in this process
/// (<see cref="InMemoryTrainedGallery"/>, the version's files) or in PostgreSQL (<see cref="PgVectorTrainedGallery"/>,
/// the version's table, never loaded). Rows are numbered from 0 below <see cref="RowCount"/>; added images take the
/// rows after. Every read may throw <see cref="GalleryUnavailableException"/> where a database answers.
/// </summary>
public interface ITrainedGallery : IDisposable
{
    /// <summary>The model's files; under pgvector without the gallery's (<see cref="GalleryFiles.Skip"/>).</summary>
    ModelBundle Bundle { get; }
    IGallerySearch Search { get; }
    int RowCount { get; }

    /// <summary>The row of this id, with its vector; null where it holds none.</summary>
    Task<StoredRow?> FindAsync(string id, CancellationToken cancellationToken);
    /// <summary>The entries of these rows.</summary>
    Task<IReadOnlyList<StoredRow>> EntriesAsync(IReadOnlyCollection<int> rows, CancellationToken cancellationToken);
    /// <summary>Up to <paramref name="limit"/> entries after a row, in row order, that the filter allows.</summary>
    Task<IReadOnlyList<StoredRow>> PageAsync(int afterRow, int limit, GalleryFilter? filter, CancellationToken cancellationToken);
    /// <summary>Whether an image not erased still names this image file.</summary>
    Task<bool> HoldsImageAsync(string image, IReadOnlySet<string> erased, CancellationToken cancellationToken);
    /// <summary>Each trained value's median over the trained gallery's vectors.</summary>
    Task<FacetVectors> MediansAsync(CancellationToken cancellationToken);
    /// <summary>How many trained images are left, in all and with each value, once these are erased.</summary>
    Task<TrainedCounts> CountsAsync(IReadOnlySet<string> erased, CancellationToken cancellationToken);
    /// <summary>Deletes what the backend keeps of these erased images (a version's files are immutable: those are masked).</summary>
    Task ForgetAsync(IReadOnlySet<string> erased, CancellationToken cancellationToken);
}

/// <summary>Trained images left, in all and per (facet, value).</summary>
public sealed record TrainedCounts(int Images, IReadOnlyDictionary<(string Facet, string Value), int> Values);

/// <summary>
/// The counts last computed and for how many erased images: a view is made at every change of the log, the counts
/// change only with erasures, and computing them reads the whole trained gallery.
/// </summary>
internal sealed class TrainedCountsCache
{
    private volatile CountsAt? _last;

    public async Task<TrainedCounts> GetAsync(int erased, Func<Task<TrainedCounts>> compute)
    {
        if (_last is { } known && known.Erased == erased)
            return known.Counts;
        var counts = await compute();
        _last = new CountsAt(erased, counts);
        return counts;
    }

    private sealed record CountsAt(int Erased, TrainedCounts Counts);
}
