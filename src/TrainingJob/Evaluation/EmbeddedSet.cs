using FaceFunctions.Vectors;

namespace FaceFunctions.TrainingJob.Evaluation;

/// <summary>Images as the protocols see them: labels, unit-length vectors (row-major), and which ones trained the model.</summary>
public sealed record EmbeddedSet(
    IReadOnlyList<string> Facets,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Labels,
    float[] Vectors,
    int Dimensions,
    IReadOnlyList<bool> Trained)
{
    public int Count => Labels.Count;

    public string CellOf(int row) => string.Join('|', Facets.Select(f => Labels[row][f]));

    public ReadOnlyMemory<float> Vector(int row) => Vectors.AsMemory(row * Dimensions, Dimensions);

    /// <summary>The rows that pass <paramref name="keep"/>, as a new set.</summary>
    public EmbeddedSet Subset(Func<int, bool> keep)
    {
        var rows = Enumerable.Range(0, Count).Where(keep).ToList();
        return new EmbeddedSet(Facets, rows.Select(r => Labels[r]).ToList(),
            rows.SelectMany(r => Vectors.AsSpan(r * Dimensions, Dimensions).ToArray()).ToArray(), Dimensions,
            rows.Select(r => Trained[r]).ToList());
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
