using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FaceFunctions.Artifacts;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Infrastructure;

namespace FaceFunctions.Bench;

/// <summary>
/// One caller floods, another searches: the patient caller's p50 with the flood against its p50 alone, measured in the
/// same run on the same host process, with the limits per caller on (the defaults) and off (limits no flood reaches),
/// rounds alternating so that a noisy spell touches every case. Both callers use service keys of their own; the
/// patient one searches every 150 ms, the flooding one on many connections back to back, ignoring Retry-After.
/// </summary>
public static class FloodBench
{
    private const int Requests = 80;
    /// <summary>The patient caller's pace: a person's app, well within the default limit (100 per 10 s).</summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(150);
    private const int Rounds = 3;
    private static readonly string PatientKey = new('p', 40);
    private static readonly string FlooderKey = new('f', 40);

    public sealed record FloodRound(string Limits, int Round, double AloneP50Ms, double FloodedP50Ms, double Ratio, int FloodAdmitted, int FloodRefused);

    public static async Task<int> RunAsync(string modelFolder, int flooders, string outputPrefix, TextWriter output)
    {
        var bundle = await new ModelRepository(new FolderArtifactStore(modelFolder)).LoadCurrentAsync();
        var png = (await ArtifactStores.ForFolder(modelFolder).Images.ReadAsync(bundle.Gallery[0].Image)).ToArray();
        var rounds = new List<FloodRound>();
        var defaults = new Functions.Access.AccessOptions();
        // "off": the host's laptop settings (HostProcess.LaptopSettings), limits no flood here reaches.
        foreach (var (limits, settings) in new[] { ("on (defaults)", new[] { "--Auth:RequestsPerWindow", $"{defaults.RequestsPerWindow}",
                     "--Auth:Window", $"{defaults.Window}", "--Auth:ConcurrentUploads", $"{defaults.ConcurrentUploads}" }), ("off", Array.Empty<string>()) })
        {
            using var host = HostProcess.Start(["--model", modelFolder, "--Auth:AnonymousPermissions", "None",
                "--Auth:Keys:patient:Secret", PatientKey, "--Auth:Keys:flooder:Secret", FlooderKey, .. settings]);
            await host.WaitUntilAsync(async c => (await SearchAsync(c, PatientKey, png)) == HttpStatusCode.OK);
            for (var round = 1; round <= Rounds; round++)
            {
                var alone = await PatientP50Async(host.Client, png);
                using var stop = new CancellationTokenSource();
                var flood = Enumerable.Range(0, flooders).Select(_ => FloodAsync(host.Client, png, stop.Token)).ToList();
                var flooded = await PatientP50Async(host.Client, png);
                await stop.CancelAsync();
                var counts = await Task.WhenAll(flood);
                var result = new FloodRound(limits, round, alone, flooded, flooded / alone, counts.Sum(c => c.Admitted), counts.Sum(c => c.Refused));
                rounds.Add(result);
                output.WriteLine($"limits {limits}, round {round}: patient p50 alone {alone:F1} ms, with {flooders} flooding connections {flooded:F1} ms " +
                                 $"({result.Ratio:F2}x); the flood got {result.FloodAdmitted} answers and {result.FloodRefused} 429s");
            }
        }
        foreach (var group in rounds.GroupBy(r => r.Limits))
            output.WriteLine($"limits {group.Key}: median ratio {group.Select(r => r.Ratio).Order().ElementAt(Rounds / 2):F2}x (goal 1.3x)");
        await File.WriteAllTextAsync(outputPrefix + ".json", JsonSerializer.Serialize(new { flooders, requests = Requests, rounds }, BenchJson.Indented));
        await File.WriteAllBytesAsync(outputPrefix + ".png", Chart(rounds));
        return 0;
    }

    private static HttpRequestMessage Search(string key, byte[] png) => new(HttpMethod.Post, "/api/search?k=5&wholeImage=true")
    {
        Content = new ByteArrayContent(png) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } },
        Headers = { { "x-functions-key", key } },
    };

    private static async Task<HttpStatusCode> SearchAsync(HttpClient client, string key, byte[] png)
    {
        using var response = await client.SendAsync(Search(key, png));
        return response.StatusCode;
    }

    /// <summary>The patient caller's searches one at a time at its pace; each must be answered.</summary>
    private static async Task<double> PatientP50Async(HttpClient client, byte[] png)
    {
        var times = new List<double>();
        for (var i = 0; i < Requests; i++)
        {
            var clock = Stopwatch.StartNew();
            var status = await SearchAsync(client, PatientKey, png);
            if (status != HttpStatusCode.OK)
                throw new InvalidOperationException($"the patient caller got {(int)status}");
            times.Add(clock.Elapsed.TotalMilliseconds);
            await Task.Delay(Pace);
        }
        return times.Order().ElementAt(times.Count / 2);
    }

    /// <summary>One flooding connection: searches back to back, ignoring Retry-After, until stopped.</summary>
    private static async Task<(int Admitted, int Refused)> FloodAsync(HttpClient client, byte[] png, CancellationToken stop)
    {
        var (admitted, refused) = (0, 0);
        while (!stop.IsCancellationRequested)
        {
            var status = await SearchAsync(client, FlooderKey, png);
            if (status == HttpStatusCode.OK) admitted++;
            else refused++;
        }
        return (admitted, refused);
    }

    private static byte[] Chart(List<FloodRound> rounds)
    {
        var plot = new ScottPlot.Plot();
        var bars = rounds.Select((r, i) => new ScottPlot.Bar
        {
            Position = i + (r.Limits == rounds[0].Limits ? 0 : 1), Value = r.Ratio,
            FillColor = r.Limits == rounds[0].Limits ? ScottPlot.Colors.SteelBlue : ScottPlot.Colors.OrangeRed,
        }).ToList();
        plot.Add.Bars(bars);
        plot.Add.HorizontalLine(1.3, pattern: ScottPlot.LinePattern.Dashed).LegendText = "goal: 1.3x";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            bars.Select(b => b.Position).ToArray(), rounds.Select(r => $"limits {r.Limits}\nround {r.Round}").ToArray());
        plot.Title("A patient caller's search p50 while another floods, over its p50 alone");
        plot.YLabel("p50 with the flood / p50 alone");
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        return plot.GetImageBytes(900, 520, ScottPlot.ImageFormat.Png);
    }
}
