using FaceFunctions.Artifacts;
using FaceFunctions.Faces;
using FaceFunctions.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceFunctions.Embedding;

/// <summary>
/// An image to the network's input values, the one path of training, gallery embedding and serving: the face step
/// when the model's preprocessing has one (find, level and crop the largest face), then <see cref="InputValues.Apply(Preprocessing, Image{Rgb24}, Span{float})"/>.
/// </summary>
public sealed class NetworkInput(Preprocessing preprocessing) : IDisposable
{
    private readonly FaceCropper? _faces = FaceCropper.For(preprocessing);

    public Preprocessing Preprocessing { get; } = preprocessing;

    /// <summary>Writes the input values of <paramref name="image"/> into <paramref name="destination"/>.</summary>
    /// <param name="wholeImageIfNoFace">Embed the whole image when the face step finds no face, instead of throwing.</param>
    /// <returns>What the face step found; null when the preprocessing has no face step.</returns>
    /// <exception cref="NoFaceException">The face step found no face, and the whole image was not asked for.</exception>
    public FaceUse? Write(Image<Rgb24> image, Span<float> destination, bool wholeImageIfNoFace = false)
    {
        if (_faces is null)
        {
            Preprocessing.Apply(image, destination);
            return null;
        }
        using var crop = _faces.Crop(image, Preprocessing.ImageSize);
        if (crop is null)
        {
            if (!wholeImageIfNoFace)
                throw new NoFaceException();
            Preprocessing.Apply(image, destination);
            return new FaceUse(0, null);
        }
        Preprocessing.Apply(crop.Image, destination);
        return new FaceUse(crop.FacesFound, crop.Face.Box);
    }

    public void Dispose() => _faces?.Dispose();
}

/// <summary>What the face step did: how many faces it found, and the box (image pixels) of the one embedded; none: the whole image.</summary>
public sealed record FaceUse(int Found, RectangleF? Box);

public sealed class NoFaceException() : Exception("No face was found in the image.");
