using System.Text.Json.Serialization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FaceFunctions.Imaging;

/// <summary>
/// How an image becomes the network's input. Recorded with each model (preprocessing.json) and used by training,
/// gallery embedding and serving alike, so that serving cannot drift from training.
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

    /// <summary>Writes the image as CHW floats into <paramref name="destination"/> (length <see cref="ValuesPerImage"/>).</summary>
    public void Apply(Image<Rgb24> image, Span<float> destination)
    {
        if (destination.Length != ValuesPerImage)
            throw new ArgumentException($"Expected {ValuesPerImage} values, got {destination.Length}.", nameof(destination));
        // An image already at the input size (the face step's crop) is what the resize would copy.
        using var resized = image.Width == ImageSize && image.Height == ImageSize ? null : image.Clone(x => Fit(x, image.Width, image.Height));
        var plane = ImageSize * ImageSize;
        var scale = new float[3];
        var shift = new float[3];
        for (var c = 0; c < 3; c++)
        {
            scale[c] = 1f / (255f * Std[c]);
            shift[c] = Mean[c] / Std[c];
        }
        var pixels = new Rgb24[plane];
        (resized ?? image).CopyPixelDataTo(pixels);
        for (var i = 0; i < plane; i++)
        {
            destination[i] = pixels[i].R * scale[0] - shift[0];
            destination[plane + i] = pixels[i].G * scale[1] - shift[1];
            destination[2 * plane + i] = pixels[i].B * scale[2] - shift[2];
        }
    }

    /// <summary>
    /// <see cref="ImageFit.CenterCrop"/>, the one fit: scales the shorter side to <see cref="ImageSize"/> and crops the middle, in one pass that allocates only the
    /// output. An image far from square (70000x1) would make that pass plan a row of millions of pixels, so its middle
    /// square is cut out first.
    /// </summary>
    private void Fit(IImageProcessingContext context, int width, int height)
    {
        var (shorter, longer) = (Math.Min(width, height), Math.Max(width, height));
        if ((long)longer * ImageSize / shorter > MaxAspect * ImageSize)
            context.Crop(new Rectangle((width - shorter) / 2, (height - shorter) / 2, shorter, shorter));
        context.Resize(new ResizeOptions
        {
            Size = new Size(ImageSize, ImageSize),
            Mode = ResizeMode.Crop,
            Sampler = KnownResamplers.Triangle,
        });
    }

    /// <summary>Longer side over shorter side beyond which the middle square is cut out before resizing.</summary>
    private const int MaxAspect = 8;

    public float[] Apply(Image<Rgb24> image)
    {
        var values = new float[ValuesPerImage];
        Apply(image, values);
        return values;
    }
}

/// <summary>How an image is fitted to the network's square input.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ImageFit>))]
public enum ImageFit
{
    /// <summary>Scale the shorter side to the input size, then crop the middle.</summary>
    [JsonStringEnumMemberName("center-crop")]
    CenterCrop,
}

/// <summary>The face step's settings, recorded in preprocessing.json so that serving crops as training did.</summary>
public sealed record FaceCropping
{
    /// <summary>The detector file shipped with the apps, and its SHA-256: serving refuses another.</summary>
    public string Detector { get; init; } = Faces.BlazeFaceDetector.FileName;
    public string DetectorSha256 { get; init; } = Faces.BlazeFaceDetector.Sha256;

    /// <summary>Added on each side of the face box, as a fraction of its longer side: hair, chin and ears stay in.</summary>
    public float Margin { get; init; } = 0.25f;

    /// <summary>
    /// The detector's confidence below which a face does not count. 0.3 finds all but one of the drawn faces' phone-like
    /// photos, where 0.5 missed 6-11 of 168 (4-7%); Yale's are found at either (docs/accuracy.md).
    /// </summary>
    public float MinScore { get; init; } = 0.3f;
}
