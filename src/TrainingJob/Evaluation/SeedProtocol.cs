using FaceFunctions.Artifacts;
using FaceFunctions.Index;
using FaceFunctions.Vectors;

namespace FaceFunctions.TrainingJob.Evaluation;

/// <summary>
/// The original experiment's protocol, with every cell queried once: facet vectors are medians over the gallery,
/// query = l2norm(sum of the cell's facet vectors), a hit when the nearest gallery image carries exactly the cell's
/// labels. It leaks (each cell's own image is inside the medians of its query), so <see cref="Chance"/> pushes
/// random vectors through the same protocol for comparison.
/// </summary>
public static class SeedProtocol
{
    public sealed record Result(double Top1, int Cells, int Hits, int Ties, double Chance);

    public static Result Evaluate(IReadOnlyList<string> facets, IReadOnlyList<IReadOnlyDictionary<string, string>> labels,
        float[] vectors, int dimensions, int seed = 1)
    {
        var (top1, cells, hits, ties) = Score(facets, labels, vectors, dimensions);
        return new Result(top1, cells, hits, ties, Chance(facets, labels, dimensions, seed));
    }

    /// <summary>Top-1 of random non-negative unit vectors through the same protocol.</summary>
    public static double Chance(IReadOnlyList<string> facets, IReadOnlyList<IReadOnlyDictionary<string, string>> labels,
        int dimensions, int seed)
    {
        var random = new Random(seed);
        var vectors = new float[labels.Count * dimensions];
        for (var i = 0; i < vectors.Length; i++)
            vectors[i] = (float)random.NextDouble();
        for (var i = 0; i < labels.Count; i++)
            VectorMath.NonNegativeL2Normalize(vectors.AsSpan(i * dimensions, dimensions));
        return Score(facets, labels, vectors, dimensions).Top1;
    }

    private static (double Top1, int Cells, int Hits, int Ties) Score(IReadOnlyList<string> facets,
        IReadOnlyList<IReadOnlyDictionary<string, string>> labels, float[] vectors, int dimensions)
    {
        var facetVectors = FacetVectors.FromImages(facets, labels, vectors, dimensions);
        var index = new ExactVectorIndex(vectors, dimensions);
        var cells = labels.Select(l => facets.Select(f => l[f]).ToArray())
            .DistinctBy(values => string.Join('|', values)).ToList();
        int hits = 0, ties = 0;
        foreach (var cell in cells)
        {
            var terms = facets.Select((facet, i) =>
            {
                facetVectors.TryGet(facet, cell[i], out var vector);
                return (vector, 1f);
            });
            var query = VectorMath.Compose(terms, dimensions);
            var found = index.Search(query, 2);
            if (found.Count > 1 && found[0].Score == found[1].Score) ties++;
            if (facets.Select((facet, i) => labels[found[0].Row][facet] == cell[i]).All(x => x)) hits++;
        }
        return ((double)hits / cells.Count, cells.Count, hits, ties);
    }
}
