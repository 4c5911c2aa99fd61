using Microsoft.Extensions.Configuration;
using FaceFunctions.Index;
using FaceFunctions.Vectors;
using Xunit;

namespace FaceFunctions.Tests.Index;

public sealed class ExactVectorIndexTests
{
    private static (float[] Rows, float[][] Queries) RandomUnitVectors(int count, int queries, int dimensions, int seed)
    {
        var random = new Random(seed);
        float[] Draw()
        {
            var v = new float[dimensions];
            for (var i = 0; i < dimensions; i++) v[i] = (float)random.NextDouble();
            VectorMath.L2Normalize(v);
            return v;
        }
        return (Enumerable.Range(0, count).SelectMany(_ => Draw()).ToArray(), Enumerable.Range(0, queries).Select(_ => Draw()).ToArray());
    }

    [Fact]
    public void Hnsw_finds_most_of_the_exact_top_10_and_answers_concurrently()
    {
        const int dimensions = 32;
        var (rows, queries) = RandomUnitVectors(3000, 50, dimensions, seed: 3);
        var exact = new ExactVectorIndex(rows, dimensions);
        using var hnsw = new HnswVectorIndex(rows, dimensions, new VectorIndexOptions { ExpansionSearch = 256 });
        Assert.Equal(3000, hnsw.Count);
        var found = queries.AsParallel().Sum(q =>
        {
            var truth = exact.Search(q, 10).Select(h => h.Row).ToHashSet();
            var approximate = hnsw.Search(q, 10);
            Assert.All(approximate, h => Assert.Equal(exact.Search(q, 3000).Single(e => e.Row == h.Row).Score, h.Score, 4));
            return approximate.Count(h => truth.Contains(h.Row));
        });
        Assert.True(found >= 0.9 * 10 * queries.Length, $"recall@10 {found / (10.0 * queries.Length):F3}");
    }

    [Fact]
    public void Hnsw_answers_more_concurrent_searches_than_the_machine_has_cores()
    {
        const int dimensions = 16, threads = 16;
        var (rows, queries) = RandomUnitVectors(500, threads, dimensions, seed: 5);
        using var hnsw = new HnswVectorIndex(rows, dimensions, new VectorIndexOptions { ExpansionSearch = 64 });
        var expected = queries.Select(q => hnsw.Search(q, 5).Select(h => h.Row).ToList()).ToList();
        var answers = new List<int>[threads][];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            answers[t] = Enumerable.Range(0, 200).Select(_ => hnsw.Search(queries[t], 5).Select(h => h.Row).ToList()).ToArray();
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        for (var t = 0; t < threads; t++) Assert.All(answers[t], answer => Assert.Equal(expected[t], answer));
    }

    [Theory]
    [InlineData("exact", 10, typeof(ExactVectorIndex))]
    [InlineData("HNSW", 10, typeof(HnswVectorIndex))]
    [InlineData("auto", 9, typeof(ExactVectorIndex))]
    [InlineData("auto", 10, typeof(HnswVectorIndex))]
    public void The_settings_choose_the_index(string kind, int count, Type expected)
    {
        var (rows, _) = RandomUnitVectors(count, 0, 4, seed: 1);
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kind"] = kind, ["HnswFromCount"] = "10" }).Build();
        var index = settings.Get<VectorIndexOptions>()!.Create(rows, 4);
        Assert.IsType(expected, index);
        (index as IDisposable)?.Dispose();
    }

    [Fact]
    public void Search_returns_the_k_best_by_cosine_in_order_like_brute_force()
    {
        const int count = 500, dimensions = 24;
        var random = new Random(7);
        var rows = new float[count * dimensions];
        for (var i = 0; i < rows.Length; i++) rows[i] = (float)random.NextDouble();
        for (var r = 0; r < count; r++) VectorMath.L2Normalize(rows.AsSpan(r * dimensions, dimensions));
        var index = new ExactVectorIndex(rows, dimensions);
        for (var q = 0; q < 20; q++)
        {
            var query = new float[dimensions];
            for (var i = 0; i < dimensions; i++) query[i] = (float)random.NextDouble();
            VectorMath.L2Normalize(query);
            var expected = Enumerable.Range(0, count)
                .Select(r => (Row: r, Score: Enumerable.Range(0, dimensions).Sum(d => query[d] * rows[r * dimensions + d])))
                .OrderByDescending(p => p.Score).Take(10).Select(p => p.Row).ToList();
            Assert.Equal(expected, index.Search(query, 10).Select(h => h.Row).ToList());
        }
    }

    [Fact]
    public void A_matrix_scanned_in_slices_on_several_threads_answers_as_one_thread_does()
    {
        const int count = 20_000, dimensions = 256; // 5.1M values: two slices or more
        var (rows, queries) = RandomUnitVectors(count, 10, dimensions, seed: 11);
        var sliced = new ExactVectorIndex(rows, dimensions, threads: 4);
        var single = new ExactVectorIndex(rows, dimensions, threads: 1);
        foreach (var query in queries)
            Assert.Equal(single.Search(query, 25), sliced.Search(query, 25));
        // Ties across slices: every row the same vector, so the lowest rows must win as in one scan.
        var same = Enumerable.Range(0, count).SelectMany(_ => queries[0]).ToArray();
        Assert.Equal(Enumerable.Range(0, 5), new ExactVectorIndex(same, dimensions, threads: 4).Search(queries[0], 5).Select(h => h.Row));
    }

    [Fact]
    public void K_larger_than_the_index_returns_every_row_and_concurrent_searches_agree()
    {
        var index = new ExactVectorIndex([1, 0, 0, 1, 0.6f, 0.8f], 2);
        Assert.Equal([2, 0, 1], index.Search(new float[] { 0.8f, 0.6f }, 10).Select(h => h.Row));
        var results = Enumerable.Range(0, 64).AsParallel().Select(_ => index.Search(new float[] { 0, 1 }, 1)[0].Row).Distinct();
        Assert.Equal([1], results);
    }
}
