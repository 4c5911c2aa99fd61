using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.Imaging;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Publishing;
using FaceFunctions.Vectors;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceFunctions.Bench;

/// <summary>
/// The serving path measured end to end: a model folder's gallery grown to 10,000 entries (jittered copies of its
/// vectors) is published to Azurite; the local host is started as its own process (cold start: process start to the
/// first answered search), and the function app under the Functions host (to "Host started" and to the first search);
/// then search over loopback HTTP through each at concurrency 1 and 4 beside ONNX Runtime alone on the same model and
/// images, compose at concurrency 1, and the local host's peak memory.
/// </summary>
public static class ServingBench
{
    private const int GallerySize = 10_000;
    private const int Requests = 200;
    private const int Rounds = 3;

    public static async Task<int> RunAsync(string modelFolder, TextWriter output)
    {
        var bundle = await new ModelRepository(new FolderArtifactStore(modelFolder)).LoadCurrentAsync();
        var sourceImages = ArtifactStores.ForFolder(modelFolder).Images;
        var pngs = new List<byte[]>();
        foreach (var entry in bundle.Gallery.Take(20))
            pngs.Add((await sourceImages.ReadAsync(entry.Image)).ToArray());

        await using var azurite = await Azurite.StartAsync();
        var stores = await CopyImagesAsync(bundle, modelFolder, azurite.ConnectionString);
        var large = Grow(bundle, GallerySize);
        await new ModelPublisher(stores.Models).PublishAsync(large);
        output.WriteLine($"model {bundle.Version}: {bundle.Dimensions}-d, input {bundle.Preprocessing.ImageSize} px; gallery grown to {large.Gallery.Count}");

        using var host = HostProcess.Start("--Storage:ConnectionString", azurite.ConnectionString, "--Serving:LoadRetryInterval", "00:00:00.05");
        var coldStart = await host.WaitUntilAsync(async c =>
        {
            using var response = await c.PostAsync("/api/search", Png(pngs[0]));
            return response.IsSuccessStatusCode;
        });
        output.WriteLine($"local host cold start (process start to first answered search, model and {GallerySize} vectors from Azurite): {coldStart.TotalSeconds:F2} s");
        FunctionsHost.ReadyToRun = true;
        await FunctionsHostColdStartAsync(azurite.ConnectionString, pngs[0], output);
        await LoadStepsAsync(stores, output);
        await using var functions = await FunctionsHost.StartAsync(FunctionsSettings(azurite.ConnectionString));
        using var functionsClient = KeyedClient(functions);
        var targets = new (string Name, HttpClient Client)[] { ("local host", host.Client), ("Functions host", functionsClient) };

        // The bare session gets the hosts' inference threads (Serving__InferenceThreads, inherited by both).
        var threads = int.TryParse(Environment.GetEnvironmentVariable("Serving__InferenceThreads"), out var t) ? t : 0;
        using var embedder = new OnnxEmbedder(bundle.Model, bundle.Preprocessing, new OnnxEmbedderOptions { IntraOpThreads = threads },
            NullLogger.Instance);
        var decoder = new ImageDecoder();
        foreach (var concurrency in new[] { 1, 4 })
            await SearchRoundsAsync(concurrency, pngs, targets, decoder, embedder, output);
        foreach (var (name, client) in targets)
            await ComposeAsync(name, client, bundle, output);
        output.WriteLine($"local host process peak memory: {host.Memory("VmHWM") / 1024} kB");
        return 0;
    }

    private static Dictionary<string, string> FunctionsSettings(string connectionString) => new()
    {
        ["Storage:ConnectionString"] = connectionString, ["Serving:LoadRetryInterval"] = "00:00:00.05",
    };

    internal static HttpClient KeyedClient(FunctionsHost host) =>
        new() { BaseAddress = host.Client.BaseAddress, DefaultRequestHeaders = { { "x-functions-key", host.Keys.Writer } } };

    /// <summary>
    /// The function app's cold start under the Functions host, in the Development environment, where the host logs
    /// "Host started" to the console: to that line, to the first 200 of health (a model serves), to the first search.
    /// The latency rounds use a host in the default (Production) environment, which logs no request to the console.
    /// </summary>
    private static async Task FunctionsHostColdStartAsync(string connectionString, byte[] png, TextWriter output)
    {
        var settings = FunctionsSettings(connectionString);
        settings["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development";
        await using var host = await FunctionsHost.StartAsync(settings);
        using var client = KeyedClient(host);
        var clock = Stopwatch.StartNew();
        using (var response = await client.PostAsync("/api/search", Png(png)))
            response.EnsureSuccessStatusCode();
        var firstSearch = host.ServingAfter + clock.Elapsed;
        output.WriteLine($"Functions host cold start: process start to \"Host started\" {host.HostStartedAfter?.TotalSeconds:F2} s, to the first 200 of health " +
                         $"{host.ServingAfter.TotalSeconds:F2} s, to the first answered search {firstSearch.TotalSeconds:F2} s " +
                         $"({(firstSearch - host.HostStartedAfter)?.TotalSeconds:F2} s after \"Host started\"; the search itself {clock.Elapsed.TotalMilliseconds:F0} ms)");
    }

    /// <summary>The model load's steps as the loader runs them, timed one by one in this process: each one's share of a cold start.</summary>
    private static async Task LoadStepsAsync(ArtifactStores stores, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var bundle = await new ModelRepository(stores.Models).LoadCurrentAsync();
        var read = clock.Elapsed;
        using var embedder = new OnnxEmbedder(bundle.Model, bundle.Preprocessing, new OnnxEmbedderOptions { IntraOpThreads = 1 }, NullLogger.Instance);
        var session = clock.Elapsed;
        embedder.Verify(bundle.Dimensions);
        var probe = clock.Elapsed;
        new FaceFunctions.Index.VectorIndexOptions().Create(bundle.GalleryVectors, bundle.Dimensions);
        var index = clock.Elapsed;
        output.WriteLine($"model load steps (in this process, warm runtime): read from Azurite and check {read.TotalMilliseconds:F0} ms, " +
                         $"ONNX Runtime session {(session - read).TotalMilliseconds:F0} ms, probe inference {(probe - session).TotalMilliseconds:F0} ms, " +
                         $"index {(index - probe).TotalMilliseconds:F0} ms");
    }

    /// <summary>
    /// Bare inference and each host take turns, three rounds each, so that a noisy spell on a 2-core machine touches
    /// all; the ratios of each round are printed and their medians are the figures.
    /// </summary>
    private static async Task SearchRoundsAsync(int concurrency, List<byte[]> pngs, (string Name, HttpClient Client)[] targets,
        ImageDecoder decoder, OnnxEmbedder embedder, TextWriter output)
    {
        var latency = targets.ToDictionary(t => t.Name, _ => new List<double>());
        var throughput = targets.ToDictionary(t => t.Name, _ => new List<double>());
        for (var round = 1; round <= Rounds; round++)
        {
            var bare = await Measure(concurrency, i =>
            {
                using var image = decoder.Decode(pngs[i % pngs.Count]);
                embedder.Embed(image);
                return Task.CompletedTask;
            });
            output.WriteLine($"search, concurrency {concurrency}, round {round}: ONNX Runtime alone (decode + embed) p50 {bare.P50:F2} ms, p99 {bare.P99:F2} ms, {bare.PerSecond:F1} /s");
            foreach (var (name, client) in targets)
            {
                var http = await Measure(concurrency, async i =>
                {
                    using var response = await client.PostAsync("/api/search?k=10", Png(pngs[i % pngs.Count]));
                    response.EnsureSuccessStatusCode();
                });
                latency[name].Add(http.P50 / bare.P50);
                throughput[name].Add(http.PerSecond / bare.PerSecond);
                output.WriteLine($"  {name}: HTTP p50 {http.P50:F2} ms, p99 {http.P99:F2} ms, {http.PerSecond:F1} req/s; " +
                                 $"p50 ratio {latency[name][^1]:F2}, throughput ratio {throughput[name][^1]:F2}");
            }
        }
        foreach (var (name, _) in targets)
            output.WriteLine($"search, concurrency {concurrency}, {name}: median p50 ratio {Median(latency[name]):F2}, median throughput ratio {Median(throughput[name]):F2}");
    }

    private static async Task ComposeAsync(string name, HttpClient client, ModelBundle bundle, TextWriter output)
    {
        var facets = bundle.Facets.Facets;
        var compose = await Measure(1, async i =>
        {
            using var response = await client.PostAsJsonAsync("/api/compose", new
            {
                add = facets.ToDictionary(f => f.Name, f => f.Values[i % f.Values.Count].Value), k = 10,
            });
            response.EnsureSuccessStatusCode();
        });
        output.WriteLine($"compose over {GallerySize} vectors, concurrency 1, {name}: p50 {compose.P50:F2} ms, p99 {compose.P99:F2} ms, {compose.PerSecond:F0} req/s");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static ByteArrayContent Png(byte[] png)
    {
        var content = new ByteArrayContent(png);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    private sealed record Timing(double P50, double P99, double PerSecond);

    /// <summary>Runs <see cref="Requests"/> calls (after 20 to warm up) on <paramref name="concurrency"/> workers.</summary>
    private static async Task<Timing> Measure(int concurrency, Func<int, Task> call)
    {
        for (var i = 0; i < 20; i++) await call(i);
        var times = new List<double>();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Requests)
            {
                var one = Stopwatch.StartNew();
                await call(i);
                lock (times) times.Add(one.Elapsed.TotalMilliseconds);
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        times.Sort();
        return new Timing(times[times.Count / 2], times[(int)(times.Count * 0.99)], Requests / seconds);
    }

    /// <summary>The bundle with its gallery grown to <paramref name="size"/>: jittered, renormalised copies of its vectors.</summary>
    /// <summary>The stores of an Azurite account, holding the gallery images of a model folder.</summary>
    internal static async Task<ArtifactStores> CopyImagesAsync(ModelBundle bundle, string modelFolder, string connectionString)
    {
        var stores = ArtifactStores.Create(new StorageOptions { ConnectionString = connectionString });
        var sourceImages = ArtifactStores.ForFolder(modelFolder).Images;
        foreach (var entry in bundle.Gallery.DistinctBy(e => e.Image))
            await stores.Images.WriteAsync(entry.Image, await sourceImages.ReadAsync(entry.Image));
        return stores;
    }

    /// <summary>The gallery grown to <paramref name="size"/> rows: its vectors again, jittered, under new ids.</summary>
    internal static ModelBundle Grow(ModelBundle bundle, int size)
    {
        var random = new Random(1);
        var d = bundle.Dimensions;
        var vectors = new float[size * d];
        var entries = new List<GalleryEntry>();
        for (var i = 0; i < size; i++)
        {
            var source = i % bundle.Gallery.Count;
            var row = vectors.AsSpan(i * d, d);
            bundle.GalleryVector(source).Span.CopyTo(row);
            if (i >= bundle.Gallery.Count)
                for (var j = 0; j < d; j++) row[j] += (float)(random.NextDouble() * 0.02);
            VectorMath.NonNegativeL2Normalize(row);
            var entry = bundle.Gallery[source];
            entries.Add(entry with { Id = i < bundle.Gallery.Count ? entry.Id : $"{entry.Id}~{i}" });
        }
        return bundle with { Version = bundle.Version + "-10k", CreatedUtc = DateTimeOffset.UtcNow, GalleryVectors = vectors, Gallery = entries, Report = null };
    }
}
