using FaceFunctions.Index;
using FaceFunctions.Vectors;
using Xunit;

namespace FaceFunctions.Tests.Index;

public sealed class ExactVectorIndexTests
{
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
    public void K_larger_than_the_index_returns_every_row_and_concurrent_searches_agree()
    {
        var index = new ExactVectorIndex([1, 0, 0, 1, 0.6f, 0.8f], 2);
        Assert.Equal([2, 0, 1], index.Search(new float[] { 0.8f, 0.6f }, 10).Select(h => h.Row));
        var results = Enumerable.Range(0, 64).AsParallel().Select(_ => index.Search(new float[] { 0, 1 }, 1)[0].Row).Distinct();
        Assert.Equal([1], results);
    }
}
