using System.Text.Json.Serialization;

namespace FaceFunctions.Artifacts;

/// <summary>
/// How an image becomes the network's input. Recorded with each model (preprocessing.json) and used by training,
/// gallery embedding and serving alike (the inference library's Imaging.InputValues applies it), so that serving
/// cannot drift from training.
/// </summary>
public sealed record Preprocessing
{
    /// <summary>Side of the square input, in pixels.</summary>
    public int ImageSize { get; init; } = 128;

    /// <summary>Per-channel (R, G, B) mean subtracted from values in [0, 1].</summary>
    public float[] Mean { get; init; } = [0.485f, 0.456f, 0.406f];

    /// <summary>Per-channel (R, G, B) divisor applied after the mean.</summary>
    public float[] Std { get; init; } = [0.229f, 0.224f, 0.225f];

    /// <summary>How the image is fitted to the square input; a preprocessing.json that names another fit is refused at load.</summary>
    [JsonPropertyName("resize")]
    public ImageFit Resize { get; init; } = ImageFit.CenterCrop;

    /// <summary>The face step (find, level and crop the face first); null embeds the whole image.</summary>
    [JsonPropertyName("face")]
    public FaceCropping? Face { get; init; }

    public int ValuesPerImage => 3 * ImageSize * ImageSize;
}

/// <summary>How an image is fitted to the network's square input.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ImageFit>))]
public enum ImageFit
{
    /// <summary>Scale the shorter side to the input size, then crop the middle.</summary>
    [JsonStringEnumMemberName("center-crop")]
    CenterCrop,

    /// <summary>Scale each side to the input size, changing the aspect ratio (torchvision's Resize((S, S)), the original experiment's).</summary>
    [JsonStringEnumMemberName("stretch")]
    Stretch,
}

/// <summary>The face step's settings, recorded in preprocessing.json so that serving crops as training did.</summary>
public sealed record FaceCropping
{
    /// <summary>The detector file shipped with the apps, and its SHA-256: serving refuses another.</summary>
    public required string Detector { get; init; }
    public required string DetectorSha256 { get; init; }

    /// <summary>Added on each side of the face box, as a fraction of its longer side: hair, chin and ears stay in.</summary>
    public float Margin { get; init; } = 0.25f;

    /// <summary>
    /// The detector's confidence below which a face does not count: 0.5 missed some of the drawn faces' phone-like
    /// photos that 0.3 finds (docs/accuracy.md, "Phone-like photos").
    /// </summary>
    public float MinScore { get; init; } = 0.3f;
}
