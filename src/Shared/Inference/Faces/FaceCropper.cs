using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceFunctions.Faces;

/// <summary>
/// The face step of preprocessing (<see cref="Preprocessing.Face"/>): find the faces, keep the largest, and cut it out
/// level at the network's input size. Training, gallery embedding and serving all go through it when a model's
/// preprocessing.json asks for it, so serving does exactly what training did.
/// </summary>
public sealed class FaceCropper(BlazeFaceDetector detector, FaceCropping settings) : IDisposable
{
    public FaceCropping Settings { get; } = settings;

    /// <summary>The step a model's preprocessing asks for, or null when it embeds whole images.</summary>
    /// <exception cref="Artifacts.ModelIntegrityException">The shipped detector is not the one the model names.</exception>
    public static FaceCropper? For(Preprocessing preprocessing) => preprocessing.Face is { } face ? Load(face) : null;

    /// <summary>The step with these settings, on the shipped detector they name.</summary>
    /// <exception cref="Artifacts.ModelIntegrityException">The shipped detector is not the one the settings name.</exception>
    public static FaceCropper Load(FaceCropping settings) => settings.Detector == BlazeFaceDetector.FileName
        ? new(BlazeFaceDetector.LoadShipped(settings.DetectorSha256), settings)
        : throw new ModelIntegrityException($"The model's face step names the detector {settings.Detector}; this app ships {BlazeFaceDetector.FileName}.");

    /// <summary>The largest face, cut out level at <paramref name="size"/> pixels square; null when none is found.</summary>
    public FaceCrop? Crop(Image<Rgb24> image, int size) =>
        Find(image) is var (largest, found) && largest is not null
            ? new FaceCrop(FaceAlignment.Align(image, largest, Settings.Margin, size), largest, found)
            : null;

    /// <summary>The largest face and how many were found; null and 0 when none is.</summary>
    public (FaceDetection? Largest, int Found) Find(Image<Rgb24> image)
    {
        var faces = detector.Detect(image, Settings.MinScore);
        return (faces.MaxBy(f => f.Box.Width * f.Box.Height), faces.Count);
    }

    public void Dispose() => detector.Dispose();
}

/// <summary>A face cut out of an image: the crop, the face it shows (in the image's pixels), and how many were found.</summary>
public sealed record FaceCrop(Image<Rgb24> Image, FaceDetection Face, int FacesFound) : IDisposable
{
    public void Dispose() => Image.Dispose();
}
