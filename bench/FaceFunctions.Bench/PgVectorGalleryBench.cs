using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using FaceFunctions.Artifacts;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Publishing;
using Npgsql;

namespace FaceFunctions.Bench;

/// <summary>
/// A gallery larger than an instance's memory under the pgvector backend (issue 30): one local host, its GC heap
/// capped below the size of the rows' vectors, serves a version of 10,000 rows and then one of ROWS rows (the model's
/// own gallery vectors grown with jitter, <see cref="ServingBench.Grow"/>), both published to a PostgreSQL 15 with
/// pgvector that the benchmark starts. For each: the time from the publication's commit until the instance serves it,
/// compose and search-by-photo p50 over HTTP (the large gallery as a ratio to the small one, same run), and the
/// instance's resident memory.
/// </summary>
public static class PgVectorGalleryBench
{
    private const int SmallRows = 10_000, Rounds = 3, PhotoQueries = 30;

    public sealed record Phase(string Version, int Rows, double PublishSeconds, double ServedAfterSeconds, double ComposeP50Ms,
        double SearchP50Ms, double InstanceRssMb, double TableMb, double IndexMb);

    public static async Task<int> RunAsync(string modelFolder, int rows, int heapLimitMb, string outputPrefix, TextWriter output)
    {
        var bundle = await new ModelRepository(new FolderArtifactStore(modelFolder)).LoadCurrentAsync();
        var vectorsMb = (double)rows * bundle.Dimensions * sizeof(float) / (1 << 20);
        output.WriteLine($"model {bundle.Version}: {bundle.Dimensions}-d; {rows} rows hold {vectorsMb:F0} MB of vectors; instance GC heap capped at {heapLimitMb} MB; {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        var stores = await ServingBench.CopyImagesAsync(bundle, modelFolder, azurite.ConnectionString);
        await using var server = await Postgres.StartAsync("maintenance_work_mem=6GB", "max_parallel_maintenance_workers=1", "shared_buffers=3GB");
        var options = new PostgresOptions { ConnectionString = server.ConnectionString + ";Command Timeout=7200", Schema = "bench" };

        var small = await PublishAsync(bundle, SmallRows, "rows-10k", stores, options);
        Environment.SetEnvironmentVariable("DOTNET_GCHeapHardLimit", $"0x{(long)heapLimitMb << 20:X}");
        using var host = HostProcess.Start("--Storage:ConnectionString", azurite.ConnectionString, "--Serving:Gallery", "pgvector",
            "--Postgres:ConnectionString", server.ConnectionString, "--Postgres:Schema", options.Schema, "--Serving:PollInterval", "00:00:01");
        var photos = bundle.Gallery.DistinctBy(e => e.Image).Take(PhotoQueries)
            .Select(e => File.ReadAllBytes(Path.Combine(modelFolder, ArtifactStores.ImagesFolder, e.Image))).ToList();
        var phases = new List<Phase> { await MeasureAsync(host, bundle, photos, small, options, output) };
        var large = await PublishAsync(bundle, rows, "rows-large", stores, options);
        phases.Add(await MeasureAsync(host, bundle, photos, large, options, output));

        var (compose, search) = (phases[1].ComposeP50Ms / phases[0].ComposeP50Ms, phases[1].SearchP50Ms / phases[0].SearchP50Ms);
        output.WriteLine($"{rows} rows against {SmallRows}: compose p50 {compose:F2}x, search-by-photo p50 {search:F2}x; the instance's resident memory " +
                         $"{phases[1].InstanceRssMb:F0} MB against {vectorsMb:F0} MB of vectors ({phases[1].InstanceRssMb / vectorsMb:F2}x)");
        await File.WriteAllTextAsync(outputPrefix + ".json", JsonSerializer.Serialize(new
        {
            model = bundle.Version, bundle.Dimensions, cores = Environment.ProcessorCount, heapLimitMb, vectorsMb, phases,
            composeRatio = compose, searchRatio = search,
        }, BenchJson.Indented));
        await File.WriteAllBytesAsync(outputPrefix + ".png", Chart(phases, vectorsMb, heapLimitMb));
        output.WriteLine($"Written: {outputPrefix}.json and .png");
        return 0;
    }

    private sealed record Published(string Version, int Rows, double Seconds, DateTimeOffset CommittedUtc);

    /// <summary>
    /// The model's files under a new version (their gallery files are the model folder's own: the pgvector instance
    /// reads none of them), and its grown gallery as the version's table, made current.
    /// </summary>
    private static async Task<Published> PublishAsync(ModelBundle bundle, int rows, string version, ArtifactStores stores, PostgresOptions options)
    {
        var grown = ServingBench.Grow(bundle, rows);
        var clock = Stopwatch.StartNew();
        var committed = DateTimeOffset.MinValue;
        await new ModelPublisher(stores.Models).PublishAsync(bundle with { Version = version }, async sha =>
        {
            await using var writer = await PostgresDataSources.CreateWithVectorsAsync(options, CancellationToken.None);
            await new PgVectorPublisher(writer, options).PublishAsync(
                new PgVectorRelease(version, sha, grown.GalleryVectors, grown.Dimensions, grown.Gallery, bundle.GalleryMedians()), CancellationToken.None);
            committed = DateTimeOffset.UtcNow;
        });
        return new Published(version, rows, clock.Elapsed.TotalSeconds, committed);
    }

    private static async Task<Phase> MeasureAsync(HostProcess host, ModelBundle bundle, List<byte[]> photos, Published published,
        PostgresOptions options, TextWriter output)
    {
        output.WriteLine($"{published.Rows} rows published in {published.Seconds:F1} s (COPY, HNSW, commit)");
        while (!await ServesAsync(host.Client, published.Version))
        {
            if (DateTimeOffset.UtcNow - published.CommittedUtc > TimeSpan.FromMinutes(5))
                throw new TimeoutException($"the instance did not serve {published.Version} within 5 minutes of its commit");
            await Task.Delay(20);
        }
        var servedAfter = (DateTimeOffset.UtcNow - published.CommittedUtc).TotalSeconds;
        var composeBodies = bundle.Facets.Facets[0].Values.SelectMany(a => bundle.Facets.Facets[^1].Values.Select(b =>
            JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["add"] = new Dictionary<string, string> { [bundle.Facets.Facets[0].Name] = a.Value, [bundle.Facets.Facets[^1].Name] = b.Value },
                ["k"] = 10,
            }))).ToList();
        var compose = await P50Async(composeBodies, body => host.Client.PostAsync("/api/compose", new StringContent(body, System.Text.Encoding.UTF8, "application/json")));
        var search = await P50Async(photos, png => host.Client.PostAsync("/api/search?k=10&wholeImage=true",
            new ByteArrayContent(png) { Headers = { ContentType = new("image/png") } }));
        var (table, index) = await SizesAsync(options, published.Version);
        output.WriteLine($"plan of a search: {await PlanAsync(options, published.Version, bundle.GalleryVector(0))}");
        var phase = new Phase(published.Version, published.Rows, published.Seconds, servedAfter, compose, search,
            host.Memory("VmRSS") / (double)(1 << 20), table, index);
        output.WriteLine($"{published.Rows} rows: served {servedAfter:F2} s after the commit; " +
                         $"compose p50 {compose:F2} ms, search-by-photo p50 {search:F2} ms; instance RSS {phase.InstanceRssMb:F0} MB; table {table:F0} MB, index {index:F0} MB");
        return phase;
    }

    private static async Task<bool> ServesAsync(HttpClient client, string version)
    {
        try
        {
            using var response = await client.GetAsync("/api/health");
            return response.IsSuccessStatusCode
                   && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("modelVersion").GetString() == version;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
    }

    /// <summary>The median of every request's time over <see cref="Rounds"/> rounds, one request at a time.</summary>
    private static async Task<double> P50Async<T>(List<T> requests, Func<T, Task<HttpResponseMessage>> send)
    {
        var times = new List<double>();
        for (var round = 0; round < Rounds; round++)
            foreach (var request in requests)
            {
                var clock = Stopwatch.StartNew();
                using var response = await send(request);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        times.Sort();
        return times[times.Count / 2];
    }

    private static async Task<(double TableMb, double IndexMb)> SizesAsync(PostgresOptions options, string version)
    {
        await using var connection = new NpgsqlConnection(options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT pg_table_size(@t::regclass), pg_indexes_size(@t::regclass) FROM {options.Schema}.versions WHERE version = @v", connection);
        command.Parameters.AddWithValue("t", $"{options.Schema}.{PgVectorCatalogue.TableOf(version)}");
        command.Parameters.AddWithValue("v", version);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0) / (double)(1 << 20), reader.GetInt64(1) / (double)(1 << 20));
    }

    /// <summary>How the server runs a search as serving sends it (the index, or a scan), with its time.</summary>
    private static async Task<string> PlanAsync(PostgresOptions options, string version, ReadOnlyMemory<float> query)
    {
        await using var dataSource = PostgresDataSources.Create(options); // with serving's search settings
        await using var command = dataSource.CreateCommand(
            $"EXPLAIN (ANALYZE, COSTS OFF) SELECT row FROM {options.Schema}.{PgVectorCatalogue.TableOf(version)} WHERE true ORDER BY embedding <#> @q::vector LIMIT 10");
        command.Parameters.AddWithValue("q", query.ToArray());
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            lines.Add(reader.GetString(0).Trim());
        return string.Join(" | ", lines.Where(l => !l.StartsWith("Order By", StringComparison.Ordinal) && !l.StartsWith("Sort Key", StringComparison.Ordinal)));
    }

    /// <summary>Bars: the instance's resident memory per gallery size against the large gallery's vectors, and the heap cap.</summary>
    private static byte[] Chart(List<Phase> phases, double vectorsMb, int heapLimitMb)
    {
        var plot = new ScottPlot.Plot();
        var bars = new (string Label, double Mb)[]
        {
            ($"instance, {phases[0].Rows:N0} rows", phases[0].InstanceRssMb), ($"instance, {phases[1].Rows:N0} rows", phases[1].InstanceRssMb),
            ($"{phases[1].Rows:N0} rows' vectors", vectorsMb),
        };
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var i = 0; i < bars.Length; i++)
        {
            plot.Add.Bars(new List<ScottPlot.Bar> { new() { Position = i, Value = bars[i].Mb, FillColor = ScottPlot.Colors.Category10[i == 2 ? 3 : 0] } });
            ticks.AddMajor(i, bars[i].Label);
        }
        plot.Add.HorizontalLine(heapLimitMb, pattern: ScottPlot.LinePattern.Dashed).LegendText = $"the instance's GC heap cap ({heapLimitMb} MB)";
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        plot.Title("pgvector backend: resident memory of the serving instance (VmRSS)");
        plot.YLabel("MB");
        return plot.GetImageBytes(900, 520, ScottPlot.ImageFormat.Png);
    }
}
