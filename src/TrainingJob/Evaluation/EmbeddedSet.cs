using FaceFunctions.Artifacts;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.Vectors;

namespace FaceFunctions.TrainingJob.Evaluation;

/// <summary>Images as the protocols see them: labels, unit-length vectors (row-major), and which ones trained the model.</summary>
/// <param name="Content">Per row, a key of the image's pixels (pixel-identical images share it); null when unknown.</param>
/// <param name="Learned">
/// The facet vectors the model's objective learned, which the protocols then compose instead of medians of images.
/// </param>
public sealed record EmbeddedSet(
    IReadOnlyList<string> Facets,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Labels,
    float[] Vectors,
    int Dimensions,
    IReadOnlyList<bool> Trained,
    IReadOnlyList<string>? Content = null,
    FacetVectors? Learned = null)
{
    /// <summary>Whether some image is pixel-identical to another.</summary>
    public bool HasDuplicates => Content is not null && Content.Distinct().Count() < Content.Count;

    /// <summary>
    /// Whether the image at <paramref name="row"/> or one pixel-identical to it (in <paramref name="within"/>, this
    /// set by default) passes <paramref name="wanted"/>: duplicates counted either way.
    /// </summary>
    public bool EitherDuplicate(int row, Func<EmbeddedSet, int, bool> wanted, EmbeddedSet? within = null)
    {
        within ??= this;
        if (wanted(this, row)) return true;
        if (Content is null || within.Content is null) return false;
        for (var other = 0; other < within.Count; other++)
            if (within.Content[other] == Content[row] && wanted(within, other)) return true;
        return false;
    }

    public int Count => Labels.Count;

    public Cell CellOf(int row) => Cell.Of(Labels[row], Facets);

    /// <summary>The facet vectors a protocol composes: the learned ones if any, else medians of this set's images.</summary>
    public FacetVectors FacetVectors() => Learned ?? Artifacts.FacetVectors.FromImages(Facets, Labels, Vectors, Dimensions);

    public ReadOnlyMemory<float> Vector(int row) => Vectors.AsMemory(row * Dimensions, Dimensions);

    /// <summary>The rows that pass <paramref name="keep"/>, as a new set.</summary>
    public EmbeddedSet Subset(Func<int, bool> keep)
    {
        var rows = Enumerable.Range(0, Count).Where(keep).ToList();
        return this with
        {
            Labels = rows.Select(r => Labels[r]).ToList(),
            Vectors = rows.SelectMany(r => Vectors.AsSpan(r * Dimensions, Dimensions).ToArray()).ToArray(),
            Trained = rows.Select(r => Trained[r]).ToList(),
            Content = Content is null ? null : rows.Select(r => Content[r]).ToList(),
        };
    }

    /// <summary>The same labels with random non-negative unit vectors: chance, pushed through the same protocol.</summary>
    public EmbeddedSet WithRandomVectors(int seed)
    {
        var random = new Random(seed);
        var vectors = new float[Vectors.Length];
        for (var i = 0; i < vectors.Length; i++)
            vectors[i] = (float)random.NextDouble();
        for (var r = 0; r < Count; r++)
            VectorMath.NonNegativeL2Normalize(vectors.AsSpan(r * Dimensions, Dimensions));
        return this with { Vectors = vectors };
    }
}
