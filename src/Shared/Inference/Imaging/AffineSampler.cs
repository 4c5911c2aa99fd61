using System.Numerics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceFunctions.Imaging;

/// <summary>
/// Resamples an image through an affine map (turn, scale, shift) in one pass. Each output pixel averages n x n
/// bilinear samples spread evenly over its footprint in the image, n being how many image pixels one output pixel
/// spans, so a shrink does not alias; only the output's pixels are visited, never the whole image. Pixels outside the
/// image are black. ImageSharp's own transform visits the whole source region, which costs most where a small face sits
/// in a large photo (docs/accuracy.md, "Phone-like photos").
/// </summary>
public static class AffineSampler
{
    /// <summary>Bounds the samples per output pixel (16 x 16) for faces many times the output's size.</summary>
    public const int MaxSamplesPerSide = 16;

    /// <summary>
    /// The <paramref name="width"/> x <paramref name="height"/> output as RGB triples in rows (HWC), 0-255.
    /// </summary>
    /// <param name="toImage">From output coordinates to the image's (continuous: a pixel's centre is at +0.5).</param>
    public static float[] Sample(Image<Rgb24> image, Matrix3x2 toImage, int width, int height)
    {
        var span = MathF.Sqrt(MathF.Abs(toImage.GetDeterminant()));
        var perSide = Math.Clamp((int)MathF.Ceiling(span - 1e-3f), 1, MaxSamplesPerSide);
        var values = new float[width * height * 3];
        image.ProcessPixelRows(rows => Fill(rows, toImage, perSide, width, values));
        return values;
    }

    /// <summary>The loop apart from the lambda, so that its locals stay in registers rather than in a closure.</summary>
    private static void Fill(PixelAccessor<Rgb24> rows, Matrix3x2 toImage, int perSide, int width, float[] values)
    {
        var weight = 1f / (perSide * perSide);
        var (alongX, alongY) = (new Vector2(toImage.M11, toImage.M12) / perSide, new Vector2(toImage.M21, toImage.M22) / perSide);
        for (var offset = 0; offset < values.Length; offset += 3)
        {
            var pixel = offset / 3;
            var first = Vector2.Transform(new Vector2(pixel % width + 0.5f / perSide, pixel / width + 0.5f / perSide), toImage)
                        - new Vector2(0.5f);
            var sum = Vector3.Zero;
            for (var j = 0; j < perSide; j++)
            for (var i = 0; i < perSide; i++)
                sum += Bilinear(rows, first + i * alongX + j * alongY);
            var rgb = sum * weight;
            (values[offset], values[offset + 1], values[offset + 2]) = (rgb.X, rgb.Y, rgb.Z);
        }
    }

    /// <summary>The output of <see cref="Sample"/> as an image.</summary>
    public static Image<Rgb24> SampleImage(Image<Rgb24> image, Matrix3x2 toImage, int width, int height)
    {
        var values = Sample(image, toImage, width, height);
        var pixels = new Rgb24[width * height];
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = new Rgb24(ToByte(values[3 * i]), ToByte(values[3 * i + 1]), ToByte(values[3 * i + 2]));
        return Image.LoadPixelData<Rgb24>(pixels, width, height);
    }

    private static byte ToByte(float value) => (byte)Math.Clamp(MathF.Round(value), 0f, 255f);

    /// <summary>The image at (x, y) in pixel-centre coordinates, between its four nearest pixels.</summary>
    private static Vector3 Bilinear(PixelAccessor<Rgb24> rows, Vector2 at)
    {
        var (left, top) = ((int)MathF.Floor(at.X), (int)MathF.Floor(at.Y));
        var (fx, fy) = (at.X - left, at.Y - top);
        var upper = Row(rows, top);
        var lower = Row(rows, top + 1);
        return (Pixel(upper, left) * (1 - fx) + Pixel(upper, left + 1) * fx) * (1 - fy)
               + (Pixel(lower, left) * (1 - fx) + Pixel(lower, left + 1) * fx) * fy;
    }

    private static Span<Rgb24> Row(PixelAccessor<Rgb24> rows, int y) =>
        (uint)y < (uint)rows.Height ? rows.GetRowSpan(y) : Span<Rgb24>.Empty;

    private static Vector3 Pixel(Span<Rgb24> row, int x) =>
        (uint)x < (uint)row.Length ? new Vector3(row[x].R, row[x].G, row[x].B) : Vector3.Zero;
}
