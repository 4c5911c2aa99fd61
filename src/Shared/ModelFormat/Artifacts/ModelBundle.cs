
namespace FaceFunctions.Artifacts;

/// <summary>Everything a model version holds, in memory: what training writes and serving loads.</summary>
public sealed record ModelBundle
{
    public required string Version { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }
    public required byte[] Model { get; init; }
    public required Preprocessing Preprocessing { get; init; }
    /// <summary>Row-major [Gallery.Count, Dimensions], unit length and non-negative.</summary>
    public required float[] GalleryVectors { get; init; }
    public required int Dimensions { get; init; }
    public required IReadOnlyList<GalleryEntry> Gallery { get; init; }
    public required IReadOnlyList<string> FacetNames { get; init; }
    public required FacetVectors Facets { get; init; }
    /// <summary>What the model is (manifest.json); null for models written before it was recorded.</summary>
    public ModelDescription? Description { get; init; }
    /// <summary>report.json as written by training; null only for a bundle that has none.</summary>
    public BinaryData? Report { get; init; }

    /// <summary>Whether training learned the facet vectors (else they are medians of the gallery's vectors).</summary>
    public bool LearnedFacetVectors => Description?.FacetVectors == ModelDescription.LearnedFacetVectors;

    /// <summary>
    /// Each trained value's median over the gallery's vectors: the model's own facet vectors where they are medians,
    /// computed here where training learned them. What a query naming an enrolled value composes (GalleryView).
    /// </summary>
    public FacetVectors GalleryMedians() => LearnedFacetVectors
        ? FacetVectors.FromImages(FacetNames, Gallery.Select(e => e.Labels).ToList(), GalleryVectors, Dimensions)
        : Facets;

    public ReadOnlyMemory<float> GalleryVector(int row) => GalleryVectors.AsMemory(row * Dimensions, Dimensions);
}
