using FaceFunctions.Artifacts;
using FaceFunctions.Index;
using FaceFunctions.Vectors;
using Xunit;

namespace FaceFunctions.Tests.Index;

/// <summary>
/// What every gallery backend must do, run against each (<see cref="InProcessGalleryTests"/>,
/// <see cref="PgVectorGalleryTests"/>): exact search gives the true top k with its scores, filters keep only allowed
/// images and still fill k, and the approximate index finds most of the true top 10, filtered or not.
/// </summary>
public abstract class GallerySearchContract
{
    protected const int Dimensions = 32;
    private static readonly GalleryData Data = GalleryData.Draw(3000, 40, Dimensions, seed: 7);

    /// <summary>A search over the data, exact or through the backend's approximate index.</summary>
    protected abstract Task<IGallerySearch> CreateAsync(GalleryData data, bool approximate);

    [Fact]
    public async Task Exact_search_gives_the_true_top_k_with_its_scores()
    {
        var gallery = await CreateAsync(Data, approximate: false);
        Assert.Equal((Data.Entries.Count, Dimensions), (gallery.Count, gallery.Dimensions));
        foreach (var query in Data.Queries)
        {
            var hits = await gallery.SearchAsync(query, 10, filter: null, CancellationToken.None);
            var truth = Data.TrueTop(query, 10, filter: null);
            Assert.Equal(truth.Select(t => t.Row), hits.Select(h => h.Row));
            Assert.All(hits.Zip(truth), pair => Assert.Equal(pair.Second.Score, pair.First.Score, 4));
        }
    }

    [Fact]
    public async Task Filtered_exact_search_keeps_only_allowed_images_and_fills_k()
    {
        var gallery = await CreateAsync(Data, approximate: false);
        var filter = new GalleryFilter(new Dictionary<string, IReadOnlyCollection<string>>
        {
            ["person"] = ["p3", "p11"], ["expression"] = ["e2"],
        });
        foreach (var query in Data.Queries.Take(10))
        {
            var hits = await gallery.SearchAsync(query, 10, filter, CancellationToken.None);
            Assert.Equal(Data.TrueTop(query, 10, filter).Select(t => t.Row), hits.Select(h => h.Row));
            Assert.All(hits, h => Assert.True(filter.Allows(Data.Entries[h.Row].Labels)));
        }
        var fewer = await gallery.SearchAsync(Data.Queries[0], 1000, filter, CancellationToken.None);
        Assert.Equal(Data.Entries.Count(e => filter.Allows(e.Labels)), fewer.Count);
    }

    [Fact]
    public async Task Approximate_search_finds_most_of_the_true_top_10_filtered_or_not()
    {
        var gallery = await CreateAsync(Data, approximate: true);
        var filter = new GalleryFilter(new Dictionary<string, IReadOnlyCollection<string>> { ["expression"] = ["e4"] });
        foreach (var current in new[] { null, filter })
        {
            var found = 0;
            foreach (var query in Data.Queries)
            {
                var hits = await gallery.SearchAsync(query, 10, current, CancellationToken.None);
                Assert.Equal(10, hits.Count);
                Assert.All(hits, h => Assert.True(current?.Allows(Data.Entries[h.Row].Labels) ?? true));
                found += hits.Select(h => h.Row).Intersect(Data.TrueTop(query, 10, current).Select(t => t.Row)).Count();
            }
            var recall = found / (10.0 * Data.Queries.Length);
            Assert.True(recall >= 0.9, $"recall@10 {recall:F3} with filter {current is not null}");
        }
    }
}

/// <summary>Clustered non-negative unit vectors (like embeddings of people) with person and expression labels.</summary>
public sealed record GalleryData(float[] Vectors, IReadOnlyList<GalleryEntry> Entries, float[][] Queries)
{
    public static GalleryData Draw(int count, int queries, int dimensions, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, dimensions).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        float[] Near(float[] centre)
        {
            var v = centre.Select(c => Math.Max(0f, c + 0.3f * (float)(random.NextDouble() - 0.5))).ToArray();
            VectorMath.L2Normalize(v);
            return v;
        }
        var entries = Enumerable.Range(0, count).Select(row => new GalleryEntry($"img{row:D5}",
            new Dictionary<string, string> { ["person"] = $"p{row % 20}", ["expression"] = $"e{row / 20 % 7}" }, "")).ToList();
        var vectors = Enumerable.Range(0, count).SelectMany(row => Near(centres[row % 20])).ToArray();
        return new GalleryData(vectors, entries, Enumerable.Range(0, queries).Select(q => Near(centres[q % 20])).ToArray());
    }

    /// <summary>Each person's and expression's median, as a publication stores them beside the rows.</summary>
    public FacetVectors Medians() =>
        FacetVectors.FromImages(["person", "expression"], Entries.Select(e => e.Labels).ToList(), Vectors, Vectors.Length / Entries.Count);

    /// <summary>The true top k by a plain double-precision scan, ties by row.</summary>
    public IReadOnlyList<SearchHit> TrueTop(float[] query, int k, GalleryFilter? filter) =>
        Enumerable.Range(0, Entries.Count)
            .Where(row => filter?.Allows(Entries[row].Labels) ?? true)
            .Select(row => new SearchHit(row, (float)Enumerable.Range(0, query.Length).Sum(i => (double)query[i] * Vectors[row * query.Length + i])))
            .OrderByDescending(h => h.Score).ThenBy(h => h.Row).Take(k).ToList();
}

public sealed class InProcessGalleryTests : GallerySearchContract
{
    protected override Task<IGallerySearch> CreateAsync(GalleryData data, bool approximate)
    {
        IVectorIndex index = approximate
            ? new HnswVectorIndex(data.Vectors, Dimensions, new VectorIndexOptions { ExpansionSearch = 128 })
            : new ExactVectorIndex(data.Vectors, Dimensions);
        return Task.FromResult<IGallerySearch>(new InProcessGallery(index, data.Vectors, Dimensions, data.Entries));
    }
}
