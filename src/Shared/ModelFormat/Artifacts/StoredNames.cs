using System.Text.RegularExpressions;

namespace FaceFunctions.Artifacts;

/// <summary>
/// Names read from storage (current.json, manifests, gallery.json) are hostile until checked: each must match a strict
/// pattern before it is used to name a blob or a file, so that none can lead outside its version or container.
/// </summary>
public static partial class StoredNames
{
    /// <summary>The files a manifest may list.</summary>
    public static readonly IReadOnlySet<string> ArtifactFiles = new HashSet<string>(StringComparer.Ordinal)
    {
        ArtifactNames.Model, ArtifactNames.GalleryVectors, ArtifactNames.Gallery, ArtifactNames.FacetVectors,
        ArtifactNames.Facets, ArtifactNames.Preprocessing, ArtifactNames.Report,
    };

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$")]
    private static partial Regex VersionPattern();

    // Gallery images are named by the SHA-256 of their pixels (GalleryImages).
    [GeneratedRegex(@"^[0-9a-f]{64}\.png$")]
    private static partial Regex GalleryImagePattern();

    public const int MaxLength = 128;

    /// <summary>A version id: letters, digits, '-', '_' and single dots between them; no '/', no "..".</summary>
    public static string Version(string? version) =>
        version is { Length: > 0 and <= MaxLength } && VersionPattern().IsMatch(version)
            ? version
            : throw new ModelIntegrityException($"'{Printable(version)}' is not a valid version id.");

    public static string ArtifactFile(string name) =>
        ArtifactFiles.Contains(name) ? name : throw new ModelIntegrityException($"The manifest lists '{Printable(name)}', which is not a model file.");

    public static string GalleryImage(string? name) =>
        name is not null && GalleryImagePattern().IsMatch(name)
            ? name
            : throw new ModelIntegrityException($"'{Printable(name)}' is not a gallery image name (SHA-256.png).");

    /// <summary>A gallery id: served in URLs and JSON, so no path separators and no control characters.</summary>
    public static string GalleryId(string? id) =>
        id is { Length: > 0 and <= 4 * MaxLength } && !id.Any(c => char.IsControl(c) || c is '/' or '\\')
            ? id
            : throw new ModelIntegrityException($"'{Printable(id)}' is not a valid gallery id.");

    /// <summary>A name as it may appear in a message: shortened, control characters escaped.</summary>
    private static string Printable(string? name) =>
        name is null ? "(none)" : string.Concat(name.Take(MaxLength).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
