using FaceFunctions.Datasets;
using FaceFunctions.Imaging;
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
        plot.YLabel("mean triplet loss");
        return plot.GetImageBytes(800, 450, ScottPlot.ImageFormat.Png);
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
            using var sheet = ContactSheet.Compose(rows, 96);
            using var buffer = new MemoryStream();
            sheet.SaveAsPng(buffer);
            return buffer.ToArray();
        }
        finally
        {
            decoded.ForEach(i => i.Dispose());
        }
    }
}
