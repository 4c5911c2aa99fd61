using System.Numerics;
using FaceFunctions.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceFunctions.Faces;

/// <summary>
/// A face cut out level: one similarity transform (rotation about the face's centre so that the eyes are level, and
/// the scale that fits a square of the face box's longer side plus a margin on each side into the output), so the
/// image is resampled once (<see cref="AffineSampler"/>).
/// </summary>
public static class FaceAlignment
{
    /// <param name="margin">Added on each side, as a fraction of the box's longer side.</param>
    /// <param name="size">Side of the square output, in pixels.</param>
    public static Image<Rgb24> Align(Image<Rgb24> image, FaceDetection face, float margin, int size)
    {
        Matrix3x2.Invert(Transform(face, margin, size), out var toImage);
        return AffineSampler.SampleImage(image, toImage, size, size);
    }

    /// <summary>The crop's square, before it is turned: centred on the face box, its longer side plus the margins.</summary>
    private static (Vector2 Centre, float Side) Square(FaceDetection face, float margin) =>
        (new Vector2(face.Box.X + face.Box.Width / 2, face.Box.Y + face.Box.Height / 2),
         Math.Max(face.Box.Width, face.Box.Height) * (1 + 2 * margin));

    /// <summary>From the image's pixels to the output's.</summary>
    public static Matrix3x2 Transform(FaceDetection face, float margin, int size)
    {
        var tilt = MathF.Atan2(face.RightEye.Y - face.LeftEye.Y, face.RightEye.X - face.LeftEye.X);
        var (centre, side) = Square(face, margin);
        return Matrix3x2.CreateTranslation(-centre)
               * Matrix3x2.CreateRotation(-tilt)
               * Matrix3x2.CreateScale(size / side)
               * Matrix3x2.CreateTranslation(size / 2f, size / 2f);
    }
}
