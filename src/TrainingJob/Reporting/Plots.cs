using FaceFunctions.Imaging;
using FaceFunctions.TrainingJob.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceFunctions.TrainingJob.Reporting;

/// <summary>The pictures written beside report.json.</summary>
public static class Plots
{
    public static byte[] LossCurve(IReadOnlyList<double> losses, string title)
    {
        var plot = new ScottPlot.Plot();
        plot.Add.Scatter(Enumerable.Range(1, losses.Count).Select(i => (double)i).ToArray(), losses.ToArray());
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("mean loss per step");
        return plot.GetImageBytes(800, 450, ScottPlot.ImageFormat.Png);
    }

    /// <summary>The gallery's first two principal components, one colour per value of <paramref name="facet"/>.</summary>
    public static byte[] EmbeddingMap(float[] vectors, int dimensions, IReadOnlyList<IReadOnlyDictionary<string, string>> labels, string facet)
    {
        var points = Pca.Project2D(vectors, labels.Count, dimensions);
        var plot = new ScottPlot.Plot();
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i][facet]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var scatter = plot.Add.ScatterPoints(group.Select(i => points[i].X).ToArray(), group.Select(i => points[i].Y).ToArray());
            scatter.LegendText = group.Key;
            scatter.MarkerSize = 7;
        }
        plot.ShowLegend(ScottPlot.Edge.Right);
        plot.Title($"Gallery embeddings (PCA), coloured by {facet}");
        plot.XLabel("PC 1");
        plot.YLabel("PC 2");
        return plot.GetImageBytes(900, 650, ScottPlot.ImageFormat.Png);
    }

    /// <summary>
    /// One row per query, its top results left to right; green frames where a result is right, red where not. Long
    /// lists wrap into blocks of <paramref name="rowsPerBlock"/> rows side by side, an empty column between blocks.
    /// </summary>
    public static byte[] RetrievalGrid(IReadOnlyList<IReadOnlyList<(string Path, bool Right)>> rows, ImageDecoder decoder, int rowsPerBlock = 14)
    {
        var decoded = new List<Image<Rgb24>>();
        try
        {
            var tiles = rows.Select(row => row.Select(result =>
            {
                decoded.Add(decoder.Decode(result.Path));
                return new ContactSheet.Tile(decoded[^1], result.Right ? new Rgb24(40, 170, 60) : new Rgb24(210, 50, 40));
            }).ToList()).ToList();
            var blocks = tiles.Chunk(rowsPerBlock).ToList();
            var wrapped = Enumerable.Range(0, Math.Min(rowsPerBlock, tiles.Count)).Select(r => (IReadOnlyList<ContactSheet.Tile>)blocks
                .SelectMany((block, b) => (r < block.Length ? block[r] : []).Concat(b < blocks.Count - 1 ? [new ContactSheet.Tile(null)] : []))
                .ToList()).ToList();
            return Png(ContactSheet.Compose(wrapped, 64, gap: 6));
        }
        finally
        {
            decoded.ForEach(i => i.Dispose());
        }
    }

    private static byte[] Png(Image<Rgb24> image)
    {
        using (image)
        using (var buffer = new MemoryStream())
        {
            image.SaveAsPng(buffer);
            return buffer.ToArray();
        }
    }

    /// <summary>One row per value of the first facet, one column per value of the second: the first image of each cell.</summary>
    public static byte[] DatasetSheet(LabelledDataset dataset, ImageDecoder decoder)
    {
        var (rowsFacet, columnsFacet) = (dataset.Facets[0], dataset.Facets[1]);
        var firstOfCell = dataset.Images.OrderBy(i => i.Id, StringComparer.Ordinal)
            .GroupBy(i => (i.Labels[rowsFacet], i.Labels[columnsFacet]))
            .ToDictionary(g => g.Key, g => g.First());
        var decoded = new List<Image<Rgb24>>();
        try
        {
            var rows = dataset.Values(rowsFacet).Select(r => (IReadOnlyList<ContactSheet.Tile>)dataset.Values(columnsFacet)
                .Select(c =>
                {
                    if (!firstOfCell.TryGetValue((r, c), out var image)) return new ContactSheet.Tile(null);
                    decoded.Add(decoder.Decode(image.Path));
                    return new ContactSheet.Tile(decoded[^1]);
                }).ToList()).ToList();
            return Png(ContactSheet.Compose(rows, 96));
        }
        finally
        {
            decoded.ForEach(i => i.Dispose());
        }
    }
}
