using FaceFunctions.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FaceFunctions.Tests.Faces;

/// <summary>Studio faces made into photos as phones take them: small in a larger frame, somewhere in it, tilted.</summary>
public static class PhoneLikePhotos
{
    /// <summary>
    /// <paramref name="face"/> scaled to <paramref name="width"/> pixels wide, turned by <paramref name="degrees"/>,
    /// pasted with its top-left corner at <paramref name="at"/> into a 1024x768 frame with a gradient background.
    /// </summary>
    public static Image<Rgb24> Paste(Image<Rgb24> face, int width, Point at, float degrees = 0)
    {
        var frame = new Image<Rgb24>(1024, 768);
        for (var y = 0; y < frame.Height; y++)
        for (var x = 0; x < frame.Width; x++)
            frame[x, y] = new Rgb24((byte)(60 + x / 8), (byte)(90 + y / 8), 120);
        using var small = face.Clone(x => x.Resize(width, 0).Rotate(degrees));
        frame.Mutate(x => x.DrawImage(small, at, 1f));
        return frame;
    }

    /// <summary>The first drawn person, happy (256 x 256, the face a little below the middle): no dataset needed.</summary>
    public static Image<Rgb24> DrawnFace()
    {
        var happy = Array.IndexOf(TrainingJob.Datasets.SyntheticFaces.ExpressionCodes, "HA");
        using var grey = TrainingJob.Datasets.SyntheticFaces.Render(0, happy, 0, new TrainingJob.Datasets.SyntheticFacesOptions());
        return grey.CloneAs<Rgb24>();
    }

    public static Image<Rgb24> YaleFace(string name = "subject01.normal") =>
        new ImageDecoder().Decode(Path.Combine(Infrastructure.YaleFaces.Folder, name + ".png"));
}
