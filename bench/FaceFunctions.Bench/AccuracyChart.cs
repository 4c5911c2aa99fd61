using System.Text.Json;

namespace FaceFunctions.Bench;

/// <summary>
/// Configurations side by side on the protocols of their runs' report.json (bench/accuracy.sh): each protocol's top-1
/// as the mean over the configuration's seeds, their range, and chance (random vectors through the same protocol),
/// as a PNG and the JSON it was drawn from.
/// </summary>
internal static class AccuracyChart
{
    private static readonly string[] Protocols = ["experiment_protocol", "seed_protocol", "unseen_images", "transform"];

    private sealed record Figure(string Protocol, double Mean, double Min, double Max, double? Chance, double? Untrained);

    private sealed record Configuration(string Name, int Seeds, IReadOnlyList<Figure> Figures);

    /// <param name="runs">Each a path prefix of one configuration's runs: bench/results/drawn-issue44-all-128 reads its -s*.json.</param>
    public static int Run(string outputPrefix, IReadOnlyList<string> runs, TextWriter log)
    {
        var configurations = runs.Select(Read).Where(c => c.Seeds > 0).ToList();
        if (configurations.Count == 0)
        {
            log.WriteLine("No report.json found for any of the configurations.");
            return 1;
        }
        File.WriteAllText(outputPrefix + ".json", JsonSerializer.Serialize(configurations, BenchJson.Indented));
        File.WriteAllBytes(outputPrefix + ".png", Chart(configurations, Path.GetFileName(outputPrefix)));
        foreach (var c in configurations)
            log.WriteLine($"{c.Name} ({c.Seeds} seeds): " + string.Join(", ", c.Figures.Select(f => $"{f.Protocol} {f.Mean:F3} ({f.Min:F3}-{f.Max:F3})")));
        log.WriteLine($"Wrote {outputPrefix}.json and {outputPrefix}.png");
        return 0;
    }

    private static Configuration Read(string prefix)
    {
        var folder = Path.GetDirectoryName(prefix) is { Length: > 0 } d ? d : ".";
        var name = Path.GetFileName(prefix);
        var reports = Directory.GetFiles(folder, name + "-s*.json").Order(StringComparer.Ordinal)
            .Select(file => JsonDocument.Parse(File.ReadAllText(file)).RootElement).ToList();
        var figures = Protocols.Select(protocol =>
        {
            var top1 = reports.Select(r => Top1(r, protocol)).OfType<double>().ToList();
            return top1.Count == 0 ? null : new Figure(protocol, top1.Average(), top1.Min(), top1.Max(),
                reports.Select(r => Field(r, protocol, "chance")).OfType<double>().DefaultIfEmpty().Average(),
                reports.Select(r => r.TryGetProperty("untrained", out var u) ? Top1(u, protocol) : null).OfType<double>().Select(v => (double?)v).Average());
        }).OfType<Figure>().ToList();
        return new Configuration(name, reports.Count, figures);
    }

    private static double? Top1(JsonElement report, string protocol) => Field(report, protocol, "top1");

    private static double? Field(JsonElement report, string protocol, string field) =>
        report.TryGetProperty(protocol, out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty(field, out var v)
        && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static byte[] Chart(IReadOnlyList<Configuration> configurations, string title)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var width = 1.0 / (configurations.Count + 1);
        var marks = new List<(double X, Figure Figure)>();
        for (var c = 0; c < configurations.Count; c++)
        {
            var bars = new List<ScottPlot.Bar>();
            foreach (var figure in configurations[c].Figures)
            {
                var x = Array.IndexOf(Protocols, figure.Protocol) + (c - (configurations.Count - 1) / 2.0) * width;
                bars.Add(new ScottPlot.Bar { Position = x, Value = figure.Mean, Size = width * 0.9, FillColor = palette.GetColor(c) });
                marks.Add((x, figure));
            }
            plot.Add.Bars(bars).LegendText = $"{configurations[c].Name} ({configurations[c].Seeds} seeds)";
        }
        // Over the bars: the seeds' range, and chance.
        foreach (var (x, figure) in marks)
        {
            var range = plot.Add.Line(x, figure.Min, x, figure.Max);
            range.Color = ScottPlot.Colors.Black;
            range.LineWidth = 2;
            if (figure.Chance is { } chance)
                plot.Add.Marker(x, chance, ScottPlot.MarkerShape.FilledDiamond, 8, ScottPlot.Colors.DimGray);
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, Protocols.Length).Select(i => (double)i).ToArray(), Protocols);
        plot.Axes.SetLimitsY(0, 1.05);
        plot.Title($"{title}: top-1, mean of seeds (bar), their range (line), chance (grey diamond)");
        plot.YLabel("top-1");
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        return plot.GetImageBytes(1100, 600, ScottPlot.ImageFormat.Png);
    }
}
