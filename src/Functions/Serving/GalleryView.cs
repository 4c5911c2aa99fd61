using FaceFunctions.Artifacts;
using FaceFunctions.GalleryChanges;
using FaceFunctions.Index;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// What one model version searches at one point of the change log, immutable: the trained gallery less its erased
/// images, then the images added since, each with its vector from this version. Rows 0..n-1 are the trained entries
/// (an erased one keeps its row, never answered), rows n.. the additions in the order they came. Facet values that
/// only added images carry (a new person) get a vector here: the unit-length element-wise median of their images'
/// vectors, the original experiment's facet vector. A query that names such a value is composed of medians throughout
/// (<see cref="FacetsFor"/>): a new person's median beside an expression's learned vector lands far from both (the
/// "enrolled values" protocol, docs/accuracy.md). A request takes one view and uses it throughout.
/// </summary>
public sealed class GalleryView
{
    private readonly TrainedGallery _trainedGallery;
    private readonly ModelBundle _bundle;
    private readonly IReadOnlyList<GalleryChange> _additions;
    private readonly float[] _addedVectors;
    private readonly ExactVectorIndex _added;
    private readonly HashSet<int> _erasedRows;
    private readonly Dictionary<string, int> _addedRowOfId = new(StringComparer.Ordinal);

    /// <param name="addedVectors">Row-major, one row per addition, embedded by this version.</param>
    /// <remarks>Costs the changes' size, not the trained gallery's: what is per version comes from <paramref name="trained"/>.</remarks>
    public GalleryView(TrainedGallery trained, GalleryContents contents, float[] addedVectors)
    {
        (_trainedGallery, _bundle, _additions, _addedVectors) = (trained, trained.Bundle, contents.Additions, addedVectors);
        Position = contents.Position;
        _added = new ExactVectorIndex(addedVectors, _bundle.Dimensions, threads: 1);
        _erasedRows = contents.ErasedTrainingIds.Select(id => trained.RowOfId.TryGetValue(id, out var row) ? row : -1).Where(row => row >= 0).ToHashSet();
        for (var i = 0; i < _additions.Count; i++)
            _addedRowOfId.TryAdd(_additions[i].Added!.Id, _bundle.Gallery.Count + i);
        (Facets, MedianFacets) = (WithEnrolledValues(_bundle.Facets), WithEnrolledValues(trained.Medians));
    }

    /// <summary>The last change of the log this view holds.</summary>
    public long Position { get; }
    /// <summary>Images answered: trained ones not erased, and added ones.</summary>
    public int Count => _bundle.Gallery.Count - _erasedRows.Count + _additions.Count;
    public int AddedCount => _additions.Count;
    public int Dimensions => _bundle.Dimensions;
    /// <summary>Every facet value's vector: the trained ones, then the values only added images carry.</summary>
    public FacetVectors Facets { get; }
    /// <summary>The same values, every one a median of its images' vectors: what a query naming an enrolled value composes.</summary>
    public FacetVectors MedianFacets { get; }

    /// <summary>The facet vectors a query naming these values composes: medians throughout when one of them only added images carry.</summary>
    public FacetVectors FacetsFor(IEnumerable<(string Facet, string Value)> named) =>
        named.Any(n => !_bundle.Facets.TryGet(n.Facet, n.Value, out _) && Facets.TryGet(n.Facet, n.Value, out _)) ? MedianFacets : Facets;
    public IReadOnlyList<string> FacetNames => _bundle.FacetNames;

    /// <summary>A trained image's row unless it was erased, else an added image's.</summary>
    public bool TryGetRow(string id, out int row) =>
        (_trainedGallery.RowOfId.TryGetValue(id, out row) && !_erasedRows.Contains(row)) || _addedRowOfId.TryGetValue(id, out row);

    public GalleryEntry Entry(int row) => row < _bundle.Gallery.Count ? _bundle.Gallery[row] : Added(row).Entry();

    /// <summary>The addition at a row, or null for a trained image.</summary>
    public GalleryChange? Addition(int row) => row < _bundle.Gallery.Count ? null : _additions[row - _bundle.Gallery.Count];

    public ReadOnlyMemory<float> Vector(int row) => row < _bundle.Gallery.Count
        ? _bundle.GalleryVector(row)
        : _addedVectors.AsMemory((row - _bundle.Gallery.Count) * Dimensions, Dimensions);

    /// <summary>Every row answered, trained ones first, in order.</summary>
    public IEnumerable<int> Rows() =>
        Enumerable.Range(0, _bundle.Gallery.Count + _additions.Count).Where(row => !_erasedRows.Contains(row));

    /// <summary>The nearest images among trained and added ones (those the filter allows), best first.</summary>
    /// <exception cref="GalleryUnavailableException">The trained gallery's database cannot answer now.</exception>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(ReadOnlyMemory<float> query, int k, GalleryFilter? filter, CancellationToken cancellationToken)
    {
        // Erased rows are still in the trained index: ask for as many more and drop them.
        var trained = await _trainedGallery.Search.SearchAsync(query, k + _erasedRows.Count, filter, cancellationToken);
        var allowed = filter is null ? null : _additions.Select(a => filter.Allows(a.Added!.Labels)).ToArray();
        var added = _added.Search(query.Span, k, allowed).Select(hit => hit with { Row = hit.Row + _bundle.Gallery.Count });
        return trained.Where(hit => !_erasedRows.Contains(hit.Row)).Concat(added)
            .OrderByDescending(hit => hit.Score).ThenBy(hit => hit.Row).Take(k).ToList();
    }

    private AddedImage Added(int row) => _additions[row - _bundle.Gallery.Count].Added!;

    /// <summary>The trained facet vectors with each value's live image count, then a vector for each value only additions carry.</summary>
    private FacetVectors WithEnrolledValues(FacetVectors known)
    {
        var labelled = _bundle.Facets.Facets.SelectMany(facet => Enumerable.Range(0, _additions.Count)
            .Where(i => _additions[i].Added!.Labels.ContainsKey(facet.Name))
            .GroupBy(i => (facet.Name, Value: _additions[i].Added!.Labels[facet.Name])))
            .ToDictionary(g => g.Key, g => g.ToList());
        var erased = _erasedRows.SelectMany(r => _bundle.Gallery[r].Labels).CountBy(label => (label.Key, label.Value)).ToDictionary();
        return known.WithValues(
            labelled.Select(l => (l.Key.Name, l.Key.Value, (IReadOnlyList<ReadOnlyMemory<float>>)l.Value.Select(i => (ReadOnlyMemory<float>)Vector(_bundle.Gallery.Count + i)).ToList())),
            (facet, value) => value.Images - erased.GetValueOrDefault((facet, value.Value)) + (labelled.TryGetValue((facet, value.Value), out var more) ? more.Count : 0));
    }
}
