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
