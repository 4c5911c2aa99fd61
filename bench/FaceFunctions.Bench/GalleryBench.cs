using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.Functions.Ingestion;
using FaceFunctions.Functions.Serving;
using FaceFunctions.GalleryChanges;
using FaceFunctions.Imaging;
using FaceFunctions.Index;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Publishing;
using FaceFunctions.Vectors;
using Microsoft.Extensions.Logging.Abstractions;
using SixLabors.ImageSharp;

namespace FaceFunctions.Bench;

/// <summary>
/// The gallery that grows (issue 30), each figure a ratio to a baseline measured in the same run: additions over HTTP
/// against bare embedding of the same images; the time until a second instance answers with a new image against its
/// poll interval; compose over 10k trained + 10k added vectors against 20k trained ones.
/// </summary>
public static class GalleryBench
{
    private const int Images = 48;
    private const int PropagationImages = 10;
    private const int Concurrency = 4;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string modelFolder, string outputPrefix, TextWriter output)
    {
        var bundle = await new ModelRepository(new FolderArtifactStore(modelFolder)).LoadCurrentAsync();
        var faces = DrawnFaces();
        await using var azurite = await Azurite.StartAsync(queues: true);
        var stores = await ServingBench.CopyImagesAsync(bundle, modelFolder, azurite.ConnectionString);
        await new ModelPublisher(stores.Models).PublishAsync(bundle);
        output.WriteLine($"model {bundle.Version}: {bundle.Dimensions}-d, input {bundle.Preprocessing.ImageSize} px, {bundle.Gallery.Count} trained images; {Environment.ProcessorCount} cores");

        var (added, fresh) = (faces[..Images], faces[Images..]);
        var bare = BareEmbedding(bundle, added);
        output.WriteLine($"bare embedding (decode + embed, {Concurrency} at once): {bare:F1} images/s");
        using var first = HostProcess.Start("--Storage:ConnectionString", azurite.ConnectionString, "--Serving:PollInterval", Poll.ToString());
        using var second = HostProcess.Start("--Storage:ConnectionString", azurite.ConnectionString, "--Serving:PollInterval", Poll.ToString());
        foreach (var host in new[] { first, second })
            await host.WaitUntilAsync(async c => (await c.GetAsync("/api/health")).IsSuccessStatusCode);
        var searched = await RateAsync(added, async png =>
        {
            using var response = await first.Client.PostAsync("/api/search?k=5&wholeImage=true", new ByteArrayContent(png) { Headers = { ContentType = new("image/png") } });
            response.EnsureSuccessStatusCode();
        });
        output.WriteLine($"searches over HTTP with the same images ({Concurrency} at once): {searched:F1} images/s: {searched / bare:F2}x bare embedding");
        var http = await AddOverHttpAsync(first.Client, added);
        output.WriteLine($"additions over HTTP (POST /api/gallery/form, {Concurrency} at once): {http:F1} images/s: {http / bare:F2}x bare embedding (goal at least 0.8x)");
        var trigger = await AddByTriggerAsync(azurite.ConnectionString, added);
        output.WriteLine($"additions by the queue trigger (Functions host; written to incoming one after another, each announced as Event Grid would): " +
                         $"{trigger.FromWrite:F1} images/s from the first write: {trigger.FromWrite / bare:F2}x bare embedding (goal at least 0.8x); " +
                         $"{trigger.FromFirstAddition:F1} images/s from the first addition on: {trigger.FromFirstAddition / bare:F2}x");

        var propagation = await PropagationAsync(first.Client, second.Client, fresh, output);
        var compose = await ComposeRatioAsync(bundle, output);
        var result = new
        {
            cores = Environment.ProcessorCount, model = bundle.Version, images = faces.Count, concurrency = Concurrency,
            bareImagesPerSecond = bare, searchImagesPerSecond = searched, httpImagesPerSecond = http, httpOverBare = http / bare,
            triggerImagesPerSecond = trigger.FromWrite, triggerOverBare = trigger.FromWrite / bare,
            triggerSteadyImagesPerSecond = trigger.FromFirstAddition, triggerSteadyOverBare = trigger.FromFirstAddition / bare,
            pollSeconds = Poll.TotalSeconds, propagationSeconds = propagation, compose,
        };
        await File.WriteAllTextAsync(outputPrefix + ".json", JsonSerializer.Serialize(result, BenchJson.Indented));
        await File.WriteAllBytesAsync(outputPrefix + ".png", Chart(propagation));
        return 0;
    }

    /// <summary>Drawn faces of a person the model never saw, each expression and variant: photos of a newcomer.</summary>
    private static List<byte[]> DrawnFaces()
    {
        var options = new SyntheticFacesOptions { Persons = 12, VariantsPerCell = 1, Seed = 11 };
        return Enumerable.Range(0, Images + PropagationImages).Select(i =>
        {
            using var image = SyntheticFaces.Render(8 + i % 4, i % 7, i / 28, options with { Seed = options.Seed + i });
            using var png = new MemoryStream();
            image.SaveAsPng(png);
            return png.ToArray();
        }).ToList();
    }

    private static double BareEmbedding(ModelBundle bundle, List<byte[]> faces)
    {
        using var embedder = new OnnxEmbedder(bundle.Model, bundle.Preprocessing, new OnnxEmbedderOptions(), NullLogger.Instance);
        var decoder = new ImageDecoder();
        void Embed(byte[] png)
        {
            using var image = decoder.Decode(png);
            embedder.EmbedQuery(image, wholeImageIfNoFace: true);
        }
        Embed(faces[0]); // warm
        var clock = Stopwatch.StartNew();
        Parallel.ForEach(faces, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, Embed);
        return faces.Count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> AddOverHttpAsync(HttpClient client, List<byte[]> faces)
    {
        await AddAsync(client, faces[0], "warm");
        return await RateAsync(faces, async png => await AddAsync(client, png, "newcomer"));
    }

    /// <summary>
    /// Images per second through the queue trigger under the Functions host, from the first write to incoming until
    /// the gallery counts every one (the host's poll of the queue included).
    /// </summary>
    private static async Task<(double FromWrite, double FromFirstAddition)> AddByTriggerAsync(string connectionString, List<byte[]> faces)
    {
        var queue = await IncomingUploads.QueueAsync(connectionString);
        await using var host = await FunctionsHost.StartAsync(new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = connectionString, ["AzureWebJobsStorage"] = connectionString,
            [GalleryIngestFunction.Connection] = connectionString, ["Serving:PollInterval"] = Poll.ToString(),
        });
        using var client = ServingBench.KeyedClient(host);
        async Task<int> CountAsync() => (await client.GetFromJsonAsync<JsonElement>("/api/health")).GetProperty("galleryCount").GetInt32();
        var before = await CountAsync();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < faces.Count; i++)
            await IncomingUploads.UploadAsync(connectionString, queue, $"bench/{i}.png", faces[i], new() { ["person"] = "triggered", ["wholeimage"] = "true" });
        TimeSpan? first = null;
        for (var count = await CountAsync(); count < before + faces.Count; count = await CountAsync())
        {
            if (count > before) first ??= clock.Elapsed;
            if (clock.Elapsed > TimeSpan.FromSeconds(180)) throw new TimeoutException("the trigger did not add every image within 180 s");
            await Task.Delay(20);
        }
        // From the first write, the idle queue's first poll included; from the first addition on, the steady rate.
        return (faces.Count / clock.Elapsed.TotalSeconds, (faces.Count - 1) / (clock.Elapsed - (first ?? TimeSpan.Zero)).TotalSeconds);
    }

    /// <summary>Images per second through <paramref name="call"/>, <see cref="Concurrency"/> at once.</summary>
    private static async Task<double> RateAsync(List<byte[]> faces, Func<byte[], Task> call)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(faces, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (png, _) => await call(png));
        return faces.Count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<string> AddAsync(HttpClient client, byte[] png, string person)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(png) { Headers = { ContentType = new("image/png") } }, "image", "face.png" },
            { JsonContent.Create(new Dictionary<string, string> { ["person"] = person }), "labels" },
        };
        using var response = await client.PostAsync("/api/gallery/form?wholeImage=true", form);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Additions of images not yet in the gallery on one instance, each timed from its 201 to the other instance's first answer with it.</summary>
    private static async Task<List<double>> PropagationAsync(HttpClient first, HttpClient second, List<byte[]> faces, TextWriter output)
    {
        var seconds = new List<double>();
        foreach (var face in faces)
        {
            var id = await AddAsync(first, face, "propagation");
            var clock = Stopwatch.StartNew();
            while (!await AnswersAsync(second, face, id))
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"the second instance did not answer with {id} within 60 s");
                await Task.Delay(20);
            }
            seconds.Add(clock.Elapsed.TotalSeconds);
            await Task.Delay(Random.Shared.Next(0, (int)Poll.TotalMilliseconds)); // spread the additions over the poll's phase
        }
        output.WriteLine($"second instance answers with a new image after (poll {Poll.TotalSeconds:F0} s): median {Median(seconds):F2} s, max {seconds.Max():F2} s " +
                         $"(goal within the poll interval + 1 s: {(seconds.Max() <= Poll.TotalSeconds + 1 ? "met" : "missed")})");
        return seconds;
    }

    private static async Task<bool> AnswersAsync(HttpClient client, byte[] png, string id)
    {
        using var response = await client.PostAsync("/api/search?k=1&wholeImage=true", new ByteArrayContent(png) { Headers = { ContentType = new("image/png") } });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return answer.GetProperty("results")[0].GetProperty("id").GetString() == id;
    }

    /// <summary>Compose p50 through the gallery view: 10k trained + 10k added vectors against 20k trained, alternating rounds.</summary>
    private static async Task<object> ComposeRatioAsync(ModelBundle bundle, TextWriter output)
    {
        var twenty = ServingBench.Grow(bundle, 20_000);
        var ten = ServingBench.Grow(bundle, 10_000);
        var added = Additions(ten, bundle.Version);
        var options = new VectorIndexOptions();
        var baseline = await GalleryView.CreateAsync(new InMemoryTrainedGallery(twenty, new InProcessGallery(options.Create(twenty.GalleryVectors, twenty.Dimensions),
            twenty.GalleryVectors, twenty.Dimensions, twenty.Gallery)), GalleryContents.Empty, [], CancellationToken.None);
        var grown = await GalleryView.CreateAsync(new InMemoryTrainedGallery(ten, new InProcessGallery(options.Create(ten.GalleryVectors, ten.Dimensions),
            ten.GalleryVectors, ten.Dimensions, ten.Gallery)), added, ten.GalleryVectors.ToArray(), CancellationToken.None);
        var queries = bundle.Facets.Facets[0].Values.SelectMany(a => bundle.Facets.Facets[^1].Values.Select(b =>
        {
            bundle.Facets.TryGet(bundle.Facets.Facets[0].Name, a.Value, out var x);
            bundle.Facets.TryGet(bundle.Facets.Facets[^1].Name, b.Value, out var y);
            return VectorMath.Compose([(x, 1f), (y, 1f)], bundle.Dimensions);
        })).ToList();
        var rounds = new List<(double Baseline, double Grown)>();
        for (var round = 0; round < 5; round++)
            rounds.Add((P50(baseline, queries), P50(grown, queries)));
        var (b50, g50) = (Median(rounds.Select(r => r.Baseline).ToList()), Median(rounds.Select(r => r.Grown).ToList()));
        output.WriteLine($"compose p50 over 10k trained + 10k added: {g50 * 1000:F0} us against {b50 * 1000:F0} us over 20k trained: {g50 / b50:F2}x (goal within 1.1x); " +
                         $"index {options.Create(twenty.GalleryVectors, twenty.Dimensions).GetType().Name}, 5 alternating rounds of {queries.Count * 20} queries");
        return new { baselineP50Ms = b50, grownP50Ms = g50, ratio = g50 / b50 };
    }

    private static double P50(GalleryView view, List<float[]> queries)
    {
        var times = new List<double>();
        for (var repeat = 0; repeat < 20; repeat++)
            foreach (var query in queries)
            {
                var clock = Stopwatch.StartNew();
                view.SearchAsync(query, 5, null, CancellationToken.None).GetAwaiter().GetResult();
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        return Median(times);
    }

    /// <summary>The grown gallery's rows once more, as additions embedded by this version.</summary>
    private static GalleryContents Additions(ModelBundle grown, string version) => new(grown.Gallery.Count,
        grown.Gallery.Select((entry, row) => new GalleryChange(row + 1, new AddedImage
        {
            Id = $"added-{row}", Labels = entry.Labels, Image = new string('0', 64) + ".png", AddedUtc = DateTimeOffset.UnixEpoch,
            ModelVersion = version, Vector = AddedImage.BytesOf(grown.GalleryVector(row).Span),
        })).ToList(), new HashSet<string>());

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static byte[] Chart(List<double> propagation)
    {
        var plot = new ScottPlot.Plot();
        plot.Add.Scatter(Enumerable.Range(1, propagation.Count).Select(i => (double)i).ToArray(), propagation.ToArray()).LegendText = "addition to the other instance's answer";
        plot.Add.HorizontalLine(Poll.TotalSeconds).LegendText = "poll interval";
        plot.Add.HorizontalLine(Poll.TotalSeconds + 1, pattern: ScottPlot.LinePattern.Dashed).LegendText = "goal: poll + 1 s";
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        plot.Title("Time until a second instance answers with a new image");
        plot.XLabel("addition");
        plot.YLabel("seconds");
        return plot.GetImageBytes(900, 520, ScottPlot.ImageFormat.Png);
    }
}
