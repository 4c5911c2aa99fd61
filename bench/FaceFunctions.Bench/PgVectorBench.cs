using System.Diagnostics;
using System.Text.Json;
using FaceFunctions.Artifacts;
using FaceFunctions.Index;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Publishing;
using Npgsql;

namespace FaceFunctions.Bench;

/// <summary>
/// The in-process HNSW index (USearch) against pgvector's HNSW on the same vectors in one run: build time, memory, and
/// at each search expansion recall@10 against exact search, latency p50 and p99 of one client, and queries per second
/// with one client and with two at once. Then both at matched recall (0.95, 0.99). pgvector runs in a PostgreSQL 15
/// server the benchmark starts on this machine and is queried as serving queries it (SQL over a socket, one
/// pooled data source); the in-process index is called directly.
/// </summary>
public static class PgVectorBench
{
    private static readonly int[] Expansions = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768];
    private const int QueryCount = 200, Runs = 3, K = 10;

    public sealed record Point(int Expansion, double Recall, double P50Ms, double P99Ms, double QpsOneClient, double QpsTwoClients);
    public sealed record Engine(string Name, double BuildSeconds, double MemoryMegabytes, string MemoryMeaning, IReadOnlyList<Point> Points);
    private sealed record Data(string Description, float[] Rows, float[] Queries, int Dimensions);

    /// <param name="shape">"clustered" (around 1,000 random centres) or "model" (around a trained model's gallery vectors).</param>
    public static async Task<int> RunAsync(string shape, int count, int dimensions, string? modelFolder, string outputPrefix, TextWriter output)
    {
        var data = Draw(shape, count, dimensions, modelFolder);
        output.WriteLine($"{data.Description}; {QueryCount} queries drawn alike, k = {K}, {Environment.ProcessorCount} cores.");
        var truth = Truth(data);
        var inProcess = InProcess(data, truth, output);
        var pgvector = await PgVectorAsync(data, truth, output);
        foreach (var target in new[] { 0.95, 0.99 })
            output.WriteLine(Matched(target, inProcess, pgvector));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPrefix))!);
        await File.WriteAllTextAsync(outputPrefix + ".json", JsonSerializer.Serialize(new
        {
            data.Description, cores = Environment.ProcessorCount, queries = QueryCount, k = K, engines = new[] { inProcess, pgvector },
        }, BenchJson.Indented));
        await File.WriteAllBytesAsync(outputPrefix + ".png", Plot(data.Description, inProcess, pgvector));
        output.WriteLine($"Written: {outputPrefix}.json and .png");
        return 0;
    }

    private static Data Draw(string shape, int count, int dimensions, string? modelFolder)
    {
        var vectors = new BenchVectors(7);
        if (shape == "model")
        {
            var folder = modelFolder ?? throw new ArgumentException("The model shape needs a model folder (its gallery.npy).");
            var (centres, rows, modelDimensions) = Npy.Read(File.ReadAllBytes(Path.Combine(folder, ArtifactNames.GalleryVectors)));
            return new Data($"{count} x {modelDimensions} around the {rows} gallery vectors of the model in {folder} (spread 0.05 a dimension)",
                vectors.Clustered(count, centres, modelDimensions, 0.05f), vectors.Clustered(QueryCount, centres, modelDimensions, 0.05f), modelDimensions);
        }
        var random = vectors.Uniform(1000, dimensions);
        return new Data($"{count} x {dimensions} around 1,000 random centres (spread 0.15 a dimension)",
            vectors.Clustered(count, random, dimensions), vectors.Clustered(QueryCount, random, dimensions), dimensions);
    }

    private static ReadOnlyMemory<float> Query(Data data, int i) => data.Queries.AsMemory(i % QueryCount * data.Dimensions, data.Dimensions);

    private static HashSet<int>[] Truth(Data data)
    {
        var exact = new ExactVectorIndex(data.Rows, data.Dimensions);
        return Enumerable.Range(0, QueryCount).Select(i => exact.Search(Query(data, i).Span, K).Select(h => h.Row).ToHashSet()).ToArray();
    }

    private static Engine InProcess(Data data, HashSet<int>[] truth, TextWriter output)
    {
        var before = MemoryMegabytes();
        var clock = Stopwatch.StartNew();
        var graph = new VectorIndexOptions();
        using var index = new HnswVectorIndex(data.Rows, data.Dimensions, graph);
        var build = clock.Elapsed.TotalSeconds;
        var memory = MemoryMegabytes() - before;
        output.WriteLine($"in-process HNSW (USearch, M {graph.Connectivity}, ef_construction {graph.ExpansionAdd}): built in {build:F1} s on {Environment.ProcessorCount} threads, +{memory:F0} MB of process memory");
        var points = new List<Point>();
        foreach (var expansion in Expansions)
        {
            index.SetExpansionSearch(expansion);
            var point = Measure(expansion, truth, i => Task.FromResult(index.Search(Query(data, i).Span, K)));
            points.Add(point.Result);
            output.WriteLine("  " + Describe(point.Result));
        }
        return new Engine("in-process HNSW (USearch)", build, memory, "process memory added by the index (its copy of the vectors and the graph)", points);
    }

    private static async Task<Engine> PgVectorAsync(Data data, HashSet<int>[] truth, TextWriter output)
    {
        // The graph must fit in maintenance memory to build fast; shared buffers hold table and index, as a sized server would.
        await using var server = await Postgres.StartAsync("maintenance_work_mem=4GB", "max_parallel_maintenance_workers=1", "shared_buffers=3GB");
        // The graph built as the in-process one is (M 16, ef_construction 128), so that recall compares like with like.
        var graph = new VectorIndexOptions();
        var options = new PostgresOptions
        {
            ConnectionString = server.ConnectionString + ";Command Timeout=3600", Schema = "bench", Search = PgVectorSearch.Hnsw,
            HnswConnectivity = graph.Connectivity, HnswExpansionAdd = graph.ExpansionAdd,
        };
        var entries = Enumerable.Range(0, data.Rows.Length / data.Dimensions)
            .Select(row => new GalleryEntry($"v{row}", new Dictionary<string, string> { ["cluster"] = "all" }, "")).ToList();
        var clock = Stopwatch.StartNew();
        await using (var writer = await PostgresDataSources.CreateWithVectorsAsync(options, CancellationToken.None))
            await new PgVectorPublisher(writer, options).PublishAsync(new PgVectorRelease("bench", "-", data.Rows, data.Dimensions, entries,
                FacetVectors.FromImages(["cluster"], entries.Select(e => e.Labels).ToList(), data.Rows, data.Dimensions)), CancellationToken.None);
        var build = clock.Elapsed.TotalSeconds;
        await using var reader = PostgresDataSources.Create(options);
        var version = (await PgVectorCatalogue.CurrentAsync(reader, options.Schema, CancellationToken.None))!;
        var (table, index) = await SizesAsync(reader, $"{options.Schema}.{version.Table}");
        output.WriteLine($"pgvector 0.8.0 HNSW (m {options.HnswConnectivity}, ef_construction {options.HnswExpansionAdd}, inner product): published " +
                         $"(binary COPY, index build, commit) in {build:F1} s; table {table:F0} MB, index {index:F0} MB");
        var points = new List<Point>();
        foreach (var expansion in Expansions)
        {
            // ef_search comes with each connection, so each expansion has its own data source, as a deployment would.
            options.HnswExpansionSearch = expansion;
            await using var searcher = PostgresDataSources.Create(options);
            var gallery = new PgVectorGallery(searcher, options, version);
            var point = await Measure(expansion, truth, i => gallery.SearchAsync(Query(data, i), K, null, CancellationToken.None));
            points.Add(point);
            output.WriteLine("  " + Describe(point));
        }
        return new Engine("pgvector HNSW (PostgreSQL 15)", build, table + index, "table and index on disk (shared buffers hold them)", points);
    }

    /// <summary>Recall, then latency of one client, then throughput of one and of two clients, each over every query <see cref="Runs"/> times.</summary>
    private static async Task<Point> Measure(int expansion, HashSet<int>[] truth, Func<int, Task<IReadOnlyList<SearchHit>>> search)
    {
        var found = 0;
        for (var i = 0; i < QueryCount; i++)
            found += (await search(i)).Count(h => truth[i].Contains(h.Row));
        var times = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < QueryCount * Runs; i++)
        {
            var started = clock.Elapsed.TotalMilliseconds;
            await search(i);
            times.Add(clock.Elapsed.TotalMilliseconds - started);
        }
        var one = QueryCount * Runs / clock.Elapsed.TotalSeconds;
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, 2).Select(client => Task.Run(async () =>
        {
            for (var i = 0; i < QueryCount * Runs; i++) await search(i + client * 7);
        })));
        var two = 2 * QueryCount * Runs / clock.Elapsed.TotalSeconds;
        times.Sort();
        return new Point(expansion, found / (double)(K * QueryCount), times[times.Count / 2], times[(int)(times.Count * 0.99)], one, two);
    }

    private static string Describe(Point p) =>
        $"ef {p.Expansion,3}: recall@10 {p.Recall:F3}, p50 {p.P50Ms:F3} ms, p99 {p.P99Ms:F3} ms, {p.QpsOneClient:F0} q/s one client, {p.QpsTwoClients:F0} q/s two";

    /// <summary>Both engines at the smallest expansion that reaches the recall, and pgvector's p50 as a multiple of the in-process one.</summary>
    private static string Matched(double target, Engine inProcess, Engine pgvector)
    {
        var (a, b) = (inProcess.Points.FirstOrDefault(p => p.Recall >= target), pgvector.Points.FirstOrDefault(p => p.Recall >= target));
        if (a is null || b is null)
            return $"recall {target}: not reached by {(a is null ? inProcess.Name : pgvector.Name)} within ef {Expansions[^1]}";
        return $"recall {target}: in-process ef {a.Expansion} p50 {a.P50Ms:F3} ms p99 {a.P99Ms:F3} ms {a.QpsOneClient:F0}/{a.QpsTwoClients:F0} q/s; " +
               $"pgvector ef {b.Expansion} p50 {b.P50Ms:F3} ms p99 {b.P99Ms:F3} ms {b.QpsOneClient:F0}/{b.QpsTwoClients:F0} q/s; " +
               $"pgvector p50 = {b.P50Ms / a.P50Ms:F1}x in-process, throughput (two clients) {b.QpsTwoClients / a.QpsTwoClients:F2}x";
    }

    private static async Task<(double Table, double Index)> SizesAsync(NpgsqlDataSource dataSource, string table)
    {
        await using var command = dataSource.CreateCommand($"SELECT pg_table_size('{table}'), pg_indexes_size('{table}')");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0) / 1e6, reader.GetInt64(1) / 1e6);
    }

    private static double MemoryMegabytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        return process.PrivateMemorySize64 / 1e6;
    }

    /// <summary>Recall against p50 latency, one line per engine.</summary>
    private static byte[] Plot(string description, params Engine[] engines)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (engine, n) in engines.Select((e, n) => (e, n)))
        {
            var line = plot.Add.Scatter(engine.Points.Select(p => p.P50Ms).ToArray(), engine.Points.Select(p => p.Recall).ToArray());
            line.LegendText = engine.Name;
            line.Color = ScottPlot.Colors.Category10[n];
        }
        plot.Axes.Bottom.Label.Text = "p50 latency of one query (ms), one client";
        plot.Axes.Left.Label.Text = "recall@10";
        plot.Title(description.Split(" (")[0]);
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        return plot.GetImageBytes(900, 560, ScottPlot.ImageFormat.Png);
    }
}
