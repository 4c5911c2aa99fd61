using System.Numerics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FaceFunctions.Faces;

/// <summary>
/// A face cut out level: one similarity transform (rotation about the face's centre so that the eyes are level, and
/// the scale that fits a square of the face box's longer side plus a margin on each side into the output), so the
/// image is resampled once.
/// </summary>
public static class FaceAlignment
{
    /// <param name="margin">Added on each side, as a fraction of the box's longer side.</param>
    /// <param name="size">Side of the square output, in pixels.</param>
    public static Image<Rgb24> Align(Image<Rgb24> image, FaceDetection face, float margin, int size)
    {
        // Only the region the turned square covers is copied and resampled, not the whole photo (about 50 ms against
        // 10 for a face in a 1024x768 frame, in a one-off probe).
        var region = Region(image, face, margin);
        using var part = image.Clone(x => x.Crop(region));
        var transform = Matrix3x2.CreateTranslation(region.X, region.Y) * Transform(face, margin, size);
        return part.Clone(x => x.Transform(new Rectangle(0, 0, part.Width, part.Height), transform, new Size(size, size), KnownResamplers.Triangle));
    }

    /// <summary>The part of the image inside the square's bounding box (the square turned by any angle fits in its circle).</summary>
    private static Rectangle Region(Image<Rgb24> image, FaceDetection face, float margin)
    {
        var (centre, side) = Square(face, margin);
        var reach = side * MathF.Sqrt(2) / 2 + 2;
        var (x, y) = (centre.X, centre.Y);
        var left = Math.Clamp((int)MathF.Floor(x - reach), 0, image.Width - 1);
        var top = Math.Clamp((int)MathF.Floor(y - reach), 0, image.Height - 1);
        var right = Math.Clamp((int)MathF.Ceiling(x + reach), left + 1, image.Width);
        var bottom = Math.Clamp((int)MathF.Ceiling(y + reach), top + 1, image.Height);
        return Rectangle.FromLTRB(left, top, right, bottom);
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
