using FaceFunctions.Artifacts;
using FaceFunctions.Index;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// The trained part of a version's gallery, computed once per version and shared by every <see cref="GalleryView"/>
/// of it: its entries and vectors, the search over them, which row each id has, and each value's median.
/// </summary>
public sealed class TrainedGallery(ModelBundle bundle, IGallerySearch search)
{
    private readonly Lazy<FacetVectors> _medians = new(() => bundle.Description?.FacetVectors == ModelDescription.LearnedFacetVectors
        ? FacetVectors.FromImages(bundle.FacetNames, bundle.Gallery.Select(e => e.Labels).ToList(), bundle.GalleryVectors, bundle.Dimensions)
        : bundle.Facets);

    public ModelBundle Bundle { get; } = bundle;
    public IGallerySearch Search { get; } = search;
    /// <summary>Ids are unique within a version (<see cref="ModelBundleChecks"/>).</summary>
    public IReadOnlyDictionary<string, int> RowOfId { get; } =
        bundle.Gallery.Select((entry, row) => (entry.Id, row)).ToDictionary(p => p.Id, p => p.row, StringComparer.Ordinal);

    /// <summary>
    /// Each trained value's median over the trained gallery's vectors: the model's own facet vectors where they are
    /// medians, computed on first use where the objective learned them.
    /// </summary>
    public FacetVectors Medians => _medians.Value;
}
