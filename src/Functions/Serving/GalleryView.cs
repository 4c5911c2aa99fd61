using System.Collections.Concurrent;
using FaceFunctions.Artifacts;
using FaceFunctions.GalleryChanges;
using FaceFunctions.Index;

namespace FaceFunctions.Functions.Serving;

/// <summary>An image a view answers with: its row, its entry, and its addition (null for a trained image).</summary>
public sealed record ViewImage(int Row, GalleryEntry Entry, GalleryChange? Addition);

/// <summary>A search result: the image and its cosine similarity to the query.</summary>
public sealed record ViewHit(ViewImage Image, float Score);

/// <summary>
/// What one model version searches at one point of the change log, immutable: the trained gallery less its erased
/// images, then the images added since, each with its vector from this version. Rows 0..n-1 are the trained entries
/// (an erased one is never answered), rows n.. the additions in the order they came. Facet values that
/// only added images carry (a new person) get a vector here: the unit-length element-wise median of their images'
/// vectors, the original experiment's facet vector. A query that names such a value is composed of medians throughout
/// (<see cref="FacetsFor"/>): a new person's median beside an expression's learned vector lands far from both (the
/// "enrolled values" protocol, docs/accuracy.md). A request takes one view and uses it throughout.
/// An added image that a tenant owns is seen only through that tenant's view (<see cref="For"/>): by id, in pages, in
/// searches and in the values it enrols; the whole gallery's view serves the gallery's own bookkeeping.
/// </summary>
public sealed class GalleryView
{
    /// <summary>Tenants whose facet vectors are kept; beyond them a tenant's are computed for each request that asks.</summary>
    private const int CachedTenants = 256;

    private readonly ITrainedGallery _trained;
    private readonly IReadOnlyList<GalleryChange> _additions;
    private readonly float[] _addedVectors;
    private readonly ExactVectorIndex _added;
    private readonly IReadOnlySet<string> _erased;
    private readonly Dictionary<string, int> _addedRowOfId = new(StringComparer.Ordinal);
    private readonly TrainedCounts _counts;
    private readonly FacetVectors _medians;
    private readonly ConcurrentDictionary<string, (FacetVectors Facets, FacetVectors Medians)> _tenantFacets = new(StringComparer.Ordinal);
    /// <summary>The tenants that own an addition; none while every addition is shared.</summary>
    private readonly IReadOnlySet<string> _owners;
    /// <summary>Whose view this is: null for the whole gallery, else a tenant ("" for a caller of the shared gallery alone).</summary>
    private readonly string? _viewer;

    private GalleryView(ITrainedGallery trained, GalleryContents contents, float[] addedVectors, TrainedCounts counts, FacetVectors medians)
    {
        (_trained, _additions, _addedVectors, _counts, _medians) = (trained, contents.Additions, addedVectors, counts, medians);
        Position = contents.Position;
        _erased = contents.ErasedTrainingIds.ToHashSet(StringComparer.Ordinal);
        _added = new ExactVectorIndex(addedVectors, trained.Bundle.Dimensions, threads: 1);
        for (var i = 0; i < _additions.Count; i++)
            _addedRowOfId.TryAdd(_additions[i].Added!.Id, trained.RowCount + i);
        _owners = _additions.Select(a => a.Added!.Tenant).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Count = counts.Images + _additions.Count;
        (Facets, MedianFacets) = (WithEnrolledValues(trained.Bundle.Facets, counts), WithEnrolledValues(medians, counts));
    }

    /// <summary>The whole view as one tenant sees it: nothing is copied; the facet vectors of what the tenant enrolled are made once.</summary>
    private GalleryView(GalleryView whole, string tenant)
    {
        (_trained, _additions, _addedVectors, _counts, _medians) = (whole._trained, whole._additions, whole._addedVectors, whole._counts, whole._medians);
        (_erased, _added, _addedRowOfId, _tenantFacets, _owners, _viewer) =
            (whole._erased, whole._added, whole._addedRowOfId, whole._tenantFacets, whole._owners, tenant);
        Position = whole.Position;
        Count = whole.Count;
        (Facets, MedianFacets) = FacetsOfViewer();
    }

    /// <summary>
    /// What a caller of <paramref name="tenant"/> sees (null: a caller of the shared gallery alone): the trained
    /// images, the shared additions and the additions the tenant owns; never another tenant's. Of the whole view only;
    /// while no tenant owns an addition, every caller sees the whole view itself.
    /// </summary>
    public GalleryView For(string? tenant) =>
        _viewer is not null ? throw new InvalidOperationException("A tenant's view is made from the whole gallery's view.")
        : _owners.Count == 0 ? this
        : new GalleryView(this, tenant ?? "");

    /// <summary>This tenant view's facet vectors: every addition it sees counts, its own enrolled values included.</summary>
    private (FacetVectors, FacetVectors) FacetsOfViewer()
    {
        // A tenant without images of its own sees what a caller of the shared gallery sees.
        var key = _owners.Contains(_viewer!) ? _viewer! : "";
        if (_tenantFacets.TryGetValue(key, out var known))
            return known;
        var facets = (WithEnrolledValues(_trained.Bundle.Facets, _counts), WithEnrolledValues(_medians, _counts));
        if (_tenantFacets.Count < CachedTenants)
            _tenantFacets.TryAdd(key, facets);
        return facets;
    }

    /// <summary>Whether this view shows the addition: the whole view every one, a tenant's the shared ones and its own.</summary>
    private bool Sees(AddedImage added) => _viewer is null || added.Tenant is null || added.Tenant == _viewer;

    /// <summary>
    /// The view of <paramref name="contents"/>: what the backend keeps of erased trained images is deleted first.
    /// Costs the changes' size, not the trained gallery's: what is per version comes from <paramref name="trained"/>.
    /// </summary>
    /// <param name="addedVectors">Row-major, one row per addition, embedded by this version.</param>
    public static async Task<GalleryView> CreateAsync(ITrainedGallery trained, GalleryContents contents, float[] addedVectors,
        CancellationToken cancellationToken)
    {
        var erased = contents.ErasedTrainingIds.ToHashSet(StringComparer.Ordinal);
        await trained.ForgetAsync(erased, cancellationToken);
        var counts = await trained.CountsAsync(erased, cancellationToken);
        return new GalleryView(trained, contents, addedVectors, counts, await trained.MediansAsync(cancellationToken));
    }

    /// <summary>The last change of the log this view holds.</summary>
    public long Position { get; }
    /// <summary>Images answered: trained ones not erased, and added ones.</summary>
    public int Count { get; }
    public int AddedCount => _additions.Count;
    public int Dimensions => _trained.Bundle.Dimensions;
    /// <summary>Every facet value's vector: the trained ones, then the values only added images carry.</summary>
    public FacetVectors Facets { get; }
    /// <summary>The same values, every one a median of its images' vectors: what a query naming an enrolled value composes.</summary>
    public FacetVectors MedianFacets { get; }

    /// <summary>The facet vectors a query naming these values composes: medians throughout when one of them only added images carry.</summary>
    public FacetVectors FacetsFor(IEnumerable<(string Facet, string Value)> named) =>
        named.Any(n => !_trained.Bundle.Facets.TryGet(n.Facet, n.Value, out _) && Facets.TryGet(n.Facet, n.Value, out _)) ? MedianFacets : Facets;
    public IReadOnlyList<string> FacetNames => _trained.Bundle.FacetNames;

    /// <summary>The live image with this id and its vector: an added one, else a trained one not erased; null if none.</summary>
    public async Task<(ViewImage Image, ReadOnlyMemory<float> Vector)?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (_addedRowOfId.TryGetValue(id, out var row))
            return Sees(_additions[row - _trained.RowCount].Added!) ? (Added(row), _addedVectors.AsMemory((row - _trained.RowCount) * Dimensions, Dimensions)) : null;
        if (_erased.Contains(id) || await _trained.FindAsync(id, cancellationToken) is not { } found)
            return null;
        return (new ViewImage(found.Row, found.Entry, null), found.Vector!);
    }

    /// <summary>Whether a live image still names this image file, whoever sees it.</summary>
    public async Task<bool> HoldsImageAsync(string image, CancellationToken cancellationToken) =>
        _additions.Any(a => a.Added!.Image == image) || await _trained.HoldsImageAsync(image, _erased, cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> live images after a place in the listing's order (trained rows by row, then
    /// additions by their change's number) that the filter allows.
    /// </summary>
    public async Task<IReadOnlyList<ViewImage>> PageAsync(GalleryPlace after, int limit, GalleryFilter? filter, CancellationToken cancellationToken)
    {
        var page = new List<ViewImage>(limit);
        for (var afterRow = after.Added ? _trained.RowCount : (int)Math.Min(after.Number, int.MaxValue); page.Count < limit;)
        {
            var rows = await _trained.PageAsync(afterRow, limit - page.Count, filter, cancellationToken);
            if (rows.Count == 0) break;
            page.AddRange(rows.Where(r => !_erased.Contains(r.Entry.Id)).Select(r => new ViewImage(r.Row, r.Entry, null)));
            afterRow = rows[^1].Row;
        }
        page.AddRange(Enumerable.Range(_trained.RowCount, _additions.Count).Select(Added)
            .Where(image => !after.Added || image.Addition!.Sequence > after.Number)
            .Where(image => Sees(image.Addition!.Added!) && (filter is null || filter.Allows(image.Entry.Labels))).Take(limit - page.Count));
        return page;
    }

    /// <summary>The nearest images among trained and added ones (those the filter allows), best first.</summary>
    /// <exception cref="GalleryUnavailableException">The trained gallery's database cannot answer now.</exception>
    public async Task<IReadOnlyList<ViewHit>> SearchAsync(ReadOnlyMemory<float> query, int k, GalleryFilter? filter, CancellationToken cancellationToken)
    {
        // Erased rows may still be in the trained index: ask for as many more and drop them.
        var trained = await _trained.Search.SearchAsync(query, k + _erased.Count, filter, cancellationToken);
        var entries = (await _trained.EntriesAsync(trained.Select(hit => hit.Row).ToList(), cancellationToken)).ToDictionary(r => r.Row);
        var allowed = filter is null && _viewer is null ? null : _additions.Select(a => Sees(a.Added!) && (filter is null || filter.Allows(a.Added!.Labels))).ToArray();
        var added = _added.Search(query.Span, k, allowed).Select(hit => new ViewHit(Added(hit.Row + _trained.RowCount), hit.Score));
        return trained.Where(hit => entries.TryGetValue(hit.Row, out var row) && !_erased.Contains(row.Entry.Id))
            .Select(hit => new ViewHit(new ViewImage(hit.Row, entries[hit.Row].Entry, null), hit.Score)).Concat(added)
            .OrderByDescending(hit => hit.Score).ThenBy(hit => hit.Image.Row).Take(k).ToList();
    }

    private ViewImage Added(int row)
    {
        var change = _additions[row - _trained.RowCount];
        return new ViewImage(row, change.Added!.Entry(), change);
    }

    /// <summary>The given facet vectors with each value's live image count, then a vector for each value only additions carry.</summary>
    private FacetVectors WithEnrolledValues(FacetVectors known, TrainedCounts counts)
    {
        var labelled = _trained.Bundle.Facets.Facets.SelectMany(facet => Enumerable.Range(0, _additions.Count)
            .Where(i => Sees(_additions[i].Added!) && _additions[i].Added!.Labels.ContainsKey(facet.Name))
            .GroupBy(i => (facet.Name, Value: _additions[i].Added!.Labels[facet.Name])))
            .ToDictionary(g => g.Key, g => g.ToList());
        return known.WithValues(
            labelled.Select(l => (l.Key.Name, l.Key.Value,
                (IReadOnlyList<ReadOnlyMemory<float>>)l.Value.Select(i => (ReadOnlyMemory<float>)_addedVectors.AsMemory(i * Dimensions, Dimensions)).ToList())),
            (facet, value) => counts.Values.GetValueOrDefault((facet, value.Value)) + (labelled.TryGetValue((facet, value.Value), out var more) ? more.Count : 0));
    }
}

/// <summary>A place in the gallery listing's order: a trained row, or an addition's change number.</summary>
public readonly record struct GalleryPlace(bool Added, long Number)
{
    /// <summary>Before the first image.</summary>
    public static GalleryPlace Start => new(false, -1);
}
