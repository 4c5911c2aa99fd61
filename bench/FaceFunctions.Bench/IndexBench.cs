using System.Diagnostics;
using System.Numerics.Tensors;
using FaceFunctions.Index;
using FaceFunctions.Vectors;

namespace FaceFunctions.Bench;

/// <summary>
/// Exact top-10 over N vectors timed beside a plain sequential read of the same matrix (how close the scan is to
/// memory speed), and HNSW recall@10 against exact search with queries per second at several search expansions.
/// </summary>
public static class IndexBench
{
    public static void Run(int exactCount, int exactDimensions, int hnswCount, int hnswDimensions, TextWriter output)
    {
        var random = new Random(42);
        float[] Draw(int count, int dimensions)
        {
            var rows = new float[(long)count * dimensions];
            for (var i = 0; i < rows.Length; i++) rows[i] = (float)random.NextDouble();
            for (var r = 0; r < count; r++) VectorMath.NonNegativeL2Normalize(rows.AsSpan(r * dimensions, dimensions));
            return rows;
        }

        var rows = Draw(exactCount, exactDimensions);
        var queries = Enumerable.Range(0, 50).Select(_ => Draw(1, exactDimensions)).ToList();
        var exact = new ExactVectorIndex(rows, exactDimensions);
        exact.Search(queries[0], 10); // warm up
        var read = Median(20, () => TensorPrimitives.Sum(rows.AsSpan()));
        var scan = Median(20, () => exact.Search(queries[Random.Shared.Next(queries.Count)], 10)[0].Score);
        output.WriteLine($"exact top-10 over {exactCount} x {exactDimensions} ({rows.Length * 4L / 1e6:F0} MB): " +
                         $"{scan * 1e3:F2} ms per query; sequential read of the matrix {read * 1e3:F2} ms; ratio {scan / read:F2}");

        var hnswRows = Draw(hnswCount, hnswDimensions);
        var hnswQueries = Enumerable.Range(0, 200).Select(_ => Draw(1, hnswDimensions)).ToList();
        var truthIndex = new ExactVectorIndex(hnswRows, hnswDimensions);
        var truth = hnswQueries.Select(q => truthIndex.Search(q, 10).Select(h => h.Row).ToHashSet()).ToList();
        var clock = Stopwatch.StartNew();
        using var hnsw = new HnswVectorIndex(hnswRows, hnswDimensions, new VectorIndexOptions { ExpansionSearch = 16 });
        output.WriteLine($"HNSW over {hnswCount} x {hnswDimensions}: built in {clock.Elapsed.TotalSeconds:F0} s (connectivity 16, expansion_add 128)");
        foreach (var expansion in new[] { 16, 64, 256 })
        {
            using var index = expansion == 16 ? null : new HnswVectorIndex(hnswRows, hnswDimensions, new VectorIndexOptions { ExpansionSearch = expansion });
            var searched = index ?? hnsw;
            clock.Restart();
            var found = hnswQueries.Select((q, i) => searched.Search(q, 10).Count(h => truth[i].Contains(h.Row))).Sum();
            var seconds = clock.Elapsed.TotalSeconds;
            output.WriteLine($"  expansion_search {expansion}: recall@10 {found / (10.0 * hnswQueries.Count):F3}, {hnswQueries.Count / seconds:F0} queries/s (one thread)");
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
