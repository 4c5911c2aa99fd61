using FaceFunctions.Faces;
using FaceFunctions.Imaging;
using FaceFunctions.Tests.Infrastructure;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit;

namespace FaceFunctions.Tests.Faces;

/// <summary>
/// The shipped BlazeFace detector and the alignment, on faces pasted into larger frames: faces the project draws (so
/// these run on a fresh clone), and a real one where the Yale faces are present.
/// </summary>
public sealed class FaceStepTests : IDisposable
{
    private readonly FaceCropper _faces = new(BlazeFaceDetector.LoadShipped(), BlazeFaceDetector.Cropping());

    [Theory]
    [InlineData(40, 60)]
    [InlineData(600, 300)]
    [InlineData(300, 400)]
    public void A_drawn_face_is_found_where_it_was_pasted(int left, int top)
    {
        using var face = PhoneLikePhotos.DrawnFace();
        AssertFoundAt(face, left, top);
    }

    [YaleTheory]
    [InlineData(40, 60)]
    [InlineData(600, 300)]
    [InlineData(300, 500)]
    public void A_real_face_is_found_where_it_was_pasted(int left, int top)
    {
        using var face = PhoneLikePhotos.YaleFace();
        AssertFoundAt(face, left, top);
    }

    /// <summary>Pasted 320 px wide: one face, its box's centre near the pasted face's, its size the face's.</summary>
    private void AssertFoundAt(Image<Rgb24> face, int left, int top)
    {
        using var photo = PhoneLikePhotos.Paste(face, 320, new Point(left, top));
        var (largest, found) = _faces.Find(photo);
        Assert.Equal(1, found);
        var height = 320 * face.Height / face.Width;
        var centre = new PointF(largest!.Box.X + largest.Box.Width / 2, largest.Box.Y + largest.Box.Height / 2);
        Assert.InRange(centre.X, left + 160 - 40, left + 160 + 40);
        Assert.InRange(centre.Y, top + height / 2 - 50, top + height / 2 + 50);
        Assert.InRange(largest.Box.Width, 60, 240);
    }

    [Fact]
    public void A_photo_without_a_face_has_none()
    {
        using var photo = PhoneLikePhotos.Paste(new Image<Rgb24>(10, 10, new Rgb24(60, 90, 120)), 10, new Point(0, 0));
        Assert.Equal(0, _faces.Find(photo).Found);
        Assert.Null(_faces.Crop(photo, 128));
    }

    [Fact]
    public void Alignment_levels_a_tilted_face()
    {
        using var face = PhoneLikePhotos.DrawnFace();
        using var photo = PhoneLikePhotos.Paste(face, 320, new Point(300, 200), degrees: 18);
        var (tilted, _) = _faces.Find(photo);
        Assert.InRange(Math.Abs(Degrees(tilted!)), 10, 26);
        using var crop = _faces.Crop(photo, 256)!;
        var (level, found) = _faces.Find(crop.Image);
        Assert.Equal(1, found);
        // Within 6 degrees of level, from 18: the detector reads a drawn face's eye line to a few degrees (upright drawn
        // faces read up to 6.5 degrees off level), so the bound is wider than Yale's 4.
        Assert.InRange(Degrees(level!), -6, 6);
        // Centred, and filling the crop less its margin.
        Assert.InRange(level!.Box.X + level.Box.Width / 2, 128 - 26, 128 + 26);
        Assert.InRange(level.Box.Width, 256 * 0.45, 256 * 0.85);
    }

    [Fact]
    public void An_exif_rotated_photo_finds_the_face_its_upright_twin_finds()
    {
        using var face = PhoneLikePhotos.DrawnFace();
        using var upright = PhoneLikePhotos.Paste(face, 320, new Point(500, 150));
        using var stored = upright.Clone(x => x.Rotate(RotateMode.Rotate270)); // a phone held sideways stores it turned
        stored.Metadata.ExifProfile = new ExifProfile();
        stored.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6); // "turn 90 degrees clockwise to show"
        using var buffer = new MemoryStream();
        stored.SaveAsJpeg(buffer);
        using var decoded = new ImageDecoder().Decode(buffer.ToArray());
        var (twin, _) = _faces.Find(upright);
        var (rotated, _) = _faces.Find(decoded);
        Assert.NotNull(rotated);
        Assert.InRange(rotated!.Box.X - twin!.Box.X, -12, 12);
        Assert.InRange(rotated.Box.Y - twin.Box.Y, -12, 12);
    }

    private static double Degrees(FaceDetection face) =>
        Math.Atan2(face.RightEye.Y - face.LeftEye.Y, face.RightEye.X - face.LeftEye.X) * 180 / Math.PI;

    public void Dispose() => _faces.Dispose();
}
