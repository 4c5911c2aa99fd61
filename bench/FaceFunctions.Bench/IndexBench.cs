using System.Diagnostics;
using System.Numerics.Tensors;
using FaceFunctions.Index;

namespace FaceFunctions.Bench;

/// <summary>
/// Exact top-10 over N vectors timed beside a plain sequential read of the same matrix (how close the scan is to
/// memory speed), and HNSW recall@10 against exact search with queries per second at several search expansions.
/// </summary>
public static class IndexBench
{
    public static void Run(int exactCount, int exactDimensions, int hnswCount, int hnswDimensions, TextWriter output)
    {
        var vectors = new BenchVectors(42);
        float[] Draw(int count, int dimensions) => vectors.Uniform(count, dimensions);

        var rows = Draw(exactCount, exactDimensions);
        var queries = Enumerable.Range(0, 50).Select(_ => Draw(1, exactDimensions)).ToList();
        var exact = new ExactVectorIndex(rows, exactDimensions, threads: 1);
        var sliced = new ExactVectorIndex(rows, exactDimensions);
        exact.Search(queries[0], 10); // warm up
        sliced.Search(queries[0], 10);
        var read = Median(20, () => TensorPrimitives.Sum(rows.AsSpan()));
        var scan = Median(20, () => exact.Search(queries[Random.Shared.Next(queries.Count)], 10)[0].Score);
        var slicedScan = Median(20, () => sliced.Search(queries[Random.Shared.Next(queries.Count)], 10)[0].Score);
        output.WriteLine($"exact top-10 over {exactCount} x {exactDimensions} ({rows.Length * 4L / 1e6:F0} MB): " +
                         $"{scan * 1e3:F2} ms per query on one thread; sequential read of the matrix {read * 1e3:F2} ms; ratio {scan / read:F2}; " +
                         $"scanned in slices on {Environment.ProcessorCount} threads {slicedScan * 1e3:F2} ms");

        if (hnswCount == 0) return;
        // Two shapes of gallery: uniform vectors (no structure at all, the hardest case for a graph index) and vectors
        // around 1,000 centres, as embeddings of photos gather around their person and expression.
        var centres = Draw(1000, hnswDimensions);
        float[] Clustered(int count) => vectors.Clustered(count, centres, hnswDimensions);
        HnswRun("uniform", Draw(hnswCount, hnswDimensions), Draw(200, hnswDimensions), hnswDimensions, output);
        HnswRun("clustered", Clustered(hnswCount), Clustered(200), hnswDimensions, output);
    }

    /// <summary>Builds one graph and measures it at several search expansions against exact top-10.</summary>
    private static void HnswRun(string shape, float[] rows, float[] queries, int dimensions, TextWriter output)
    {
        var count = rows.Length / dimensions;
        var queryCount = queries.Length / dimensions;
        ReadOnlySpan<float> Query(int i) => queries.AsSpan(i * dimensions, dimensions);
        var exact = new ExactVectorIndex(rows, dimensions);
        var truth = Enumerable.Range(0, queryCount).Select(i => exact.Search(Query(i), 10).Select(h => h.Row).ToHashSet()).ToList();
        var options = new VectorIndexOptions();
        var clock = Stopwatch.StartNew();
        using var hnsw = new HnswVectorIndex(rows, dimensions, options);
        output.WriteLine($"HNSW over {count} x {dimensions}, {shape}: built in {clock.Elapsed.TotalSeconds:F0} s on " +
                         $"{Environment.ProcessorCount} threads (connectivity {options.Connectivity}, expansion_add {options.ExpansionAdd})");
        foreach (var expansion in new[] { 16, 64, 256 })
        {
            hnsw.SetExpansionSearch(expansion);
            clock.Restart();
            var found = 0;
            for (var i = 0; i < queryCount; i++) found += hnsw.Search(Query(i), 10).Count(h => truth[i].Contains(h.Row));
            var seconds = clock.Elapsed.TotalSeconds;
            output.WriteLine($"  expansion_search {expansion}: recall@10 {found / (10.0 * queryCount):F3}, " +
                             $"{queryCount / seconds:F0} queries/s (one thread)");
        }
    }

    private static double Median(int runs, Func<float> work)
    {
        var times = new List<double>();
        float sink = 0;
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            sink += work();
            times.Add(clock.Elapsed.TotalSeconds);
        }
        GC.KeepAlive(sink);
        times.Sort();
        return times[runs / 2];
    }
}
