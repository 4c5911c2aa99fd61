using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FaceFunctions.TrainingJob.Reporting;

/// <summary>A grid of thumbnails written as PNG: datasets at a glance, retrieval results with the right ones framed.</summary>
public static class ContactSheet
{
    /// <summary>One cell of the grid: an image (null leaves it empty) and an optional frame colour.</summary>
    public sealed record Tile(Image<Rgb24>? Image, Rgb24? Frame = null);

    public static Image<Rgb24> Compose(IReadOnlyList<IReadOnlyList<Tile>> rows, int thumbnail = 64, int gap = 4)
    {
        var columns = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        var step = thumbnail + gap;
        var sheet = new Image<Rgb24>(Math.Max(1, columns * step + gap), Math.Max(1, rows.Count * step + gap), new Rgb24(255, 255, 255));
        for (var r = 0; r < rows.Count; r++)
        for (var c = 0; c < rows[r].Count; c++)
        {
            var tile = rows[r][c];
            var (left, top) = (gap + c * step, gap + r * step);
            if (tile.Frame is { } frame)
                Fill(sheet, left - gap / 2, top - gap / 2, thumbnail + gap, thumbnail + gap, frame);
            if (tile.Image is null) continue;
            using var small = tile.Image.Clone(x => x.Resize(new ResizeOptions
            {
                Size = new Size(thumbnail, thumbnail),
                Mode = ResizeMode.Crop,
            }));
            sheet.Mutate(x => x.DrawImage(small, new Point(left, top), 1f));
        }
        return sheet;
    }

    private static void Fill(Image<Rgb24> image, int left, int top, int width, int height, Rgb24 colour)
    {
        for (var y = Math.Max(0, top); y < Math.Min(image.Height, top + height); y++)
        for (var x = Math.Max(0, left); x < Math.Min(image.Width, left + width); x++)
            image[x, y] = colour;
    }
}
