namespace FaceFunctions.Artifacts;

/// <summary>
/// What must hold between a version's parts before it may serve: every SHA-256 can match and the parts still not fit
/// (a model of 64 dimensions beside a gallery of 512). A bundle that fails is refused like a corrupt one.
/// </summary>
public static class ModelBundleChecks
{
    public const int MaxDimensions = 65_536;
    public const int MinImageSize = 16, MaxImageSize = 1024;

    /// <exception cref="ModelIntegrityException">The first thing that does not fit.</exception>
    public static void Check(ModelBundle bundle)
    {
        StoredNames.Version(bundle.Version);
        if (bundle.Dimensions is < 1 or > MaxDimensions)
            Fail(bundle, $"it has {bundle.Dimensions} dimensions (1 to {MaxDimensions} are allowed)");
        if (bundle.GalleryVectors.Length != (long)bundle.Gallery.Count * bundle.Dimensions)
            Fail(bundle, $"gallery.npy holds {bundle.GalleryVectors.Length} values, not {bundle.Gallery.Count} x {bundle.Dimensions}");
        if (!AllFinite(bundle.GalleryVectors))
            Fail(bundle, "gallery.npy holds values that are not finite");
        if (!AllFinite(bundle.Facets.Matrix))
            Fail(bundle, "facet-vectors.npy holds values that are not finite");
        CheckGallery(bundle);
        CheckFacets(bundle);
        CheckPreprocessing(bundle);
    }

    private static void CheckGallery(ModelBundle bundle)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in bundle.Gallery)
        {
            if (!ids.Add(StoredNames.GalleryId(entry.Id)))
                Fail(bundle, $"two gallery entries have the id '{entry.Id}'");
            StoredNames.GalleryImage(entry.Image);
            if (entry.Labels is null || bundle.FacetNames.Any(f => !entry.Labels.ContainsKey(f)))
                Fail(bundle, $"gallery entry '{entry.Id}' lacks a label of one of the facets {string.Join(", ", bundle.FacetNames)}");
        }
    }

    private static void CheckFacets(ModelBundle bundle)
    {
        var facets = bundle.Facets;
        if (facets.Dimensions != bundle.Dimensions)
            Fail(bundle, $"its facet vectors have {facets.Dimensions} dimensions, the gallery {bundle.Dimensions}");
        var rows = facets.Matrix.Length / bundle.Dimensions;
        var names = facets.Facets.Select(f => f.Name).ToList();
        if (!names.SequenceEqual(bundle.FacetNames))
            Fail(bundle, $"facets.json names the facets {string.Join(", ", names)}, the manifest {string.Join(", ", bundle.FacetNames)}");
        foreach (var value in facets.Facets.SelectMany(f => f.Values))
            if (value.Row < 0 || value.Row >= rows)
                Fail(bundle, $"facet value '{value.Value}' points at row {value.Row} of {rows} facet vectors");
    }

    private static void CheckPreprocessing(ModelBundle bundle)
    {
        var p = bundle.Preprocessing;
        if (p.ImageSize is < MinImageSize or > MaxImageSize)
            Fail(bundle, $"preprocessing.json asks for {p.ImageSize} px images ({MinImageSize} to {MaxImageSize} are allowed)");
        if (p.Mean is not { Length: 3 } || p.Std is not { Length: 3 } || !AllFinite(p.Mean) || p.Std.Any(s => !(s > 0 && float.IsFinite(s))))
            Fail(bundle, "preprocessing.json needs three finite means and three positive standard deviations");
        if (!Enum.IsDefined(p.Resize))
            Fail(bundle, $"preprocessing.json's resize is not one of {string.Join(", ", Enum.GetNames<ImageFit>())}");
        // Which detector the app ships is the inference library's to check (FaceCropper.Load); here, that the names are plain.
        if (p.Face is { } face && (face.Detector is not { Length: > 0 } || Path.GetFileName(face.Detector) != face.Detector
                                   || face.DetectorSha256 is not { Length: 64 } || !(face.Margin is >= 0 and <= 2) || !(face.MinScore is > 0 and < 1)))
            Fail(bundle, "preprocessing.json's face step names no plain detector file or SHA-256, or a margin or score out of range");
    }

    private static bool AllFinite(float[] values) => values.All(float.IsFinite);

    private static void Fail(ModelBundle bundle, string why) =>
        throw new ModelIntegrityException($"Version {bundle.Version} does not fit together: {why}.");
}
