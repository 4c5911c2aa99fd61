using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceFunctions.Artifacts;

/// <summary>The file names of a model version (docs/model-format.md).</summary>
public static class ArtifactNames
{
    public const string Model = "model.onnx";
    public const string GalleryVectors = "gallery.npy";
    public const string Gallery = "gallery.json";
    public const string FacetVectors = "facet-vectors.npy";
    public const string Facets = "facets.json";
    public const string Preprocessing = "preprocessing.json";
    public const string Report = "report.json";
    public const string Manifest = "manifest.json";
    /// <summary>The pointer to the current version, written last when a version is published.</summary>
    public const string Current = "current.json";
    public const string VersionsPrefix = "versions/";
}

/// <summary>One gallery image: row i of gallery.npy is the vector of entry i.</summary>
/// <param name="Image">Name of the image in the image store (content-addressed PNG).</param>
public sealed record GalleryEntry(string Id, IReadOnlyDictionary<string, string> Labels, string Image);

/// <summary>A facet value and the row of its vector in facet-vectors.npy.</summary>
public sealed record FacetValueEntry(string Value, int Row, int Images);

public sealed record FacetEntry(string Name, IReadOnlyList<FacetValueEntry> Values);

public sealed record ArtifactInfo(string Sha256, long Bytes);

public sealed record ModelManifest
{
    public const string CurrentFormat = "facefunctions-model/1";

    public string Format { get; init; } = CurrentFormat;
    public required string Version { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }
    public required int Dimensions { get; init; }
    public required int GalleryCount { get; init; }
    public required IReadOnlyList<string> Facets { get; init; }
    public required IReadOnlyDictionary<string, ArtifactInfo> Artifacts { get; init; }
    /// <summary>What the model is; absent in models written before it was recorded.</summary>
    public ModelDescription? Description { get; init; }
}

/// <summary>current.json: which version serves. <see cref="Manifest"/> is the manifest's name in the store.</summary>
public sealed record CurrentPointer(string Version, string Manifest, string ManifestSha256);

public static class ModelJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static BinaryData Serialize<T>(T value) => BinaryData.FromObjectAsJson(value, Options);

    public static T Deserialize<T>(BinaryData data, string name) =>
        data.ToObjectFromJson<T>(Options) ?? throw new InvalidDataException($"{name} is empty.");
}
