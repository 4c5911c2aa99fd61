using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using FaceFunctions.Tests.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

using FaceFunctions.Tests.Infrastructure;

namespace FaceFunctions.Bench;

/// <summary>
/// What the largest uploads the limits allow cost the serving process: for each kind, a fresh local host receives
/// <c>concurrency</c> of them at once, and its peak resident memory (VmHWM) is read before (after one small search:
/// the baseline of the same run) and after. Each kind runs twice: with the decoding gate as configured by default
/// (one image decoded per core) and with the gate as wide as the requests (no queueing), the comparison that shows
/// what the gate saves. Every search asks for the whole image when no face is found, so that a model with the face
/// step runs detection and embedding both, its largest path.
/// </summary>
public static class IntakeBench
{
    private const int Side = 6320; // 6320² = 39.9 million pixels, under the default limit of 40 million

    private sealed record Upload(string Kind, string ContentType, byte[] Bytes);

    private sealed record Result(string Kind, long Bytes, int Gate, int Statuses200, int Statuses4xx, long BaselineRss, long BaselinePeak,
        long Peak, double SlowestSeconds);

    public static async Task<int> RunAsync(string modelFolder, int concurrency, string outputFile, TextWriter output)
    {
        var uploads = Uploads();
        var results = new List<Result>();
        foreach (var upload in uploads)
        foreach (var gate in new[] { 0, concurrency })
        {
            var result = await MeasureAsync(modelFolder, upload, gate, concurrency);
            results.Add(result);
            output.WriteLine($"{upload.Kind} ({upload.Bytes.Length / 1024} KB) x {concurrency}, decoding gate {(gate == 0 ? $"default ({Environment.ProcessorCount})" : gate)}: " +
                             $"{result.Statuses200} x 200, {result.Statuses4xx} x 4xx, slowest {result.SlowestSeconds:F1} s; " +
                             $"peak {result.BaselinePeak / 1_048_576} MB before, {result.Peak / 1_048_576} MB after ({(double)result.Peak / result.BaselinePeak:F2}x)");
        }
        await File.WriteAllTextAsync(outputFile, JsonSerializer.Serialize(new { concurrency, cores = Environment.ProcessorCount, results },
            BenchJson.Indented));
        await File.WriteAllBytesAsync(Path.ChangeExtension(outputFile, ".png"), Chart(results, concurrency));
        return 0;
    }

    /// <summary>Per kind of upload: the peak before, and after with the default gate and with none.</summary>
    private static byte[] Chart(IReadOnlyList<Result> results, int concurrency)
    {
        var plot = new ScottPlot.Plot();
        var kinds = results.Select(r => r.Kind).Distinct().ToList();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        (string Legend, Func<Result, bool> Which, Func<Result, long> Value)[] series =
        [
            ("peak before (default gate's run)", r => r.Gate == 0, r => r.BaselinePeak),
            ($"peak after, default gate ({Environment.ProcessorCount})", r => r.Gate == 0, r => r.Peak),
            ($"peak after, gate {concurrency} (no queueing)", r => r.Gate != 0, r => r.Peak),
        ];
        for (var s = 0; s < series.Length; s++)
        {
            var bars = kinds.Select((kind, k) => new ScottPlot.Bar
            {
                Position = k * (series.Length + 1) + s,
                Value = series[s].Value(results.First(r => r.Kind == kind && series[s].Which(r))) / 1_048_576.0,
                FillColor = ScottPlot.Colors.Category10[s],
            }).ToList();
            plot.Add.Bars(bars).LegendText = series[s].Legend;
        }
        for (var k = 0; k < kinds.Count; k++)
            ticks.AddMajor(k * (series.Length + 1) + 1, kinds[k]);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        plot.Title($"Serving process peak memory, {concurrency} uploads at once");
        plot.YLabel("MB (VmHWM)");
        return plot.GetImageBytes(1000, 560, ScottPlot.ImageFormat.Png);
    }

    private static async Task<Result> MeasureAsync(string modelFolder, Upload upload, int gate, int concurrency)
    {
        using var host = HostProcess.Start("--model", modelFolder, "--Serving:MaxConcurrentDecodes", gate.ToString());
        var small = SmallPng();
        await host.WaitUntilAsync(async c =>
        {
            using var response = await c.PostAsync("/api/search?wholeImage=true", Content(small, "image/png"));
            return response.IsSuccessStatusCode;
        });
        var (rss, peakBefore) = (host.Memory("VmRSS"), host.Memory("VmHWM"));
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var one = Stopwatch.StartNew();
            using var response = await host.Client.PostAsync("/api/search?wholeImage=true", Content(upload.Bytes, upload.ContentType));
            return ((int)response.StatusCode, one.Elapsed.TotalSeconds);
        }));
        return new Result(upload.Kind, upload.Bytes.Length, gate, statuses.Count(s => s.Item1 == 200), statuses.Count(s => s.Item1 is >= 400 and < 500),
            rss, peakBefore, host.Memory("VmHWM"), statuses.Max(s => s.Item2));
    }

    /// <summary>The largest images the default limits let through (4 MB bodies, 40 million pixels), and the issue's two hostile files.</summary>
    private static IReadOnlyList<Upload> Uploads()
    {
        using var large = new Image<Rgb24>(Side, Side, new Rgb24(90, 120, 150));
        for (var y = 0; y < Side; y += 64)
        for (var x = 0; x < Side; x++)
            large[x, y] = new Rgb24(200, 60, 30); // lines, so that the codecs have something to code
        using var frame = new Image<Rgb24>(2000, 2000, new Rgb24(10, 200, 30));
        using var animation = frame.Clone();
        for (var i = 1; i < 20; i++)
            animation.Frames.AddFrame(frame.Frames.RootFrame);
        return
        [
            new("jpeg-6320x6320", "image/jpeg", Encode(large, new JpegEncoder { Quality = 75 })),
            new("png-6320x6320", "image/png", Encode(large, new PngEncoder())),
            new("gif-20-frames-2000x2000", "image/gif", Encode(animation, new GifEncoder())),
            new("tiff-second-page-20000x20000", "image/tiff", HostileImages.Tiff((64, 64, new byte[64 * 64]), (20000, 20000, new byte[4096]))),
        ];
    }

    private static byte[] SmallPng()
    {
        using var image = new Image<Rgb24>(64, 64, new Rgb24(128, 128, 128));
        return Encode(image, new PngEncoder());
    }

    private static byte[] Encode(Image image, IImageEncoder encoder)
    {
        using var buffer = new MemoryStream();
        image.Save(buffer, encoder);
        return buffer.ToArray();
    }

    private static ByteArrayContent Content(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }
}
