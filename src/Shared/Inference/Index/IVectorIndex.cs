namespace FaceFunctions.Index;

/// <summary>A hit: the row of the indexed vector and its cosine similarity to the query (vectors are unit length).</summary>
public readonly record struct SearchHit(int Row, float Score);

/// <summary>Nearest neighbours by cosine similarity over unit-length vectors. Search is safe from many threads.</summary>
public interface IVectorIndex
{
    int Count { get; }
    int Dimensions { get; }
    IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k);
}

/// <summary>The argument checks every index makes.</summary>
internal static class IndexArguments
{
    /// <summary>How many rows of <paramref name="dimensions"/> the values make; throws when they make no whole number.</summary>
    public static int RowCount(float[] rows, int dimensions) =>
        dimensions > 0 && rows.Length % dimensions == 0
            ? rows.Length / dimensions
            : throw new ArgumentException($"{rows.Length} values do not make rows of {dimensions}.", nameof(rows));

    /// <summary>Checks the query's length and returns k clamped to the index's size (0: nothing to search).</summary>
    public static int Clamp(ReadOnlySpan<float> query, int k, IVectorIndex index) =>
        query.Length == index.Dimensions
            ? Math.Max(0, Math.Min(k, index.Count))
            : throw new ArgumentException($"The query has {query.Length} dimensions, the index {index.Dimensions}.", nameof(query));
}
