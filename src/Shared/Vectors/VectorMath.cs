using System.Numerics.Tensors;

namespace FaceFunctions.Vectors;

/// <summary>The vector arithmetic of composition: non-negative unit vectors, element-wise medians, weighted sums.</summary>
public static class VectorMath
{
    /// <summary>Scales to unit length in place; a zero vector stays zero.</summary>
    public static void L2Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
            TensorPrimitives.Divide(vector, norm, vector);
    }

    /// <summary>Clamps negatives to zero, then scales to unit length, in place: how every embedding and query is made.</summary>
    public static void NonNegativeL2Normalize(Span<float> vector)
    {
        TensorPrimitives.Max(vector, 0f, vector);
        L2Normalize(vector);
    }

    /// <summary>The element-wise median of equally long vectors (the mean of the middle two for an even count).</summary>
    public static float[] Median(IReadOnlyList<ReadOnlyMemory<float>> vectors)
    {
        if (vectors.Count == 0)
            throw new ArgumentException("The median of no vectors is undefined.", nameof(vectors));
        var dimensions = vectors[0].Length;
        if (vectors.Any(v => v.Length != dimensions))
            throw new ArgumentException("All vectors must have the same length.", nameof(vectors));
        var median = new float[dimensions];
        var column = new float[vectors.Count];
        var middle = vectors.Count / 2;
        for (var d = 0; d < dimensions; d++)
        {
            for (var i = 0; i < vectors.Count; i++)
                column[i] = vectors[i].Span[d];
            Array.Sort(column);
            median[d] = vectors.Count % 2 == 1 ? column[middle] : (column[middle - 1] + column[middle]) / 2f;
        }
        return median;
    }

    /// <summary>A facet vector: the unit-length element-wise median of its images' vectors.</summary>
    public static float[] FacetVector(IReadOnlyList<ReadOnlyMemory<float>> imageVectors)
    {
        var median = Median(imageVectors);
        L2Normalize(median);
        return median;
    }

    /// <summary>Σ weight·vector, made non-negative and unit length: a composed query.</summary>
    public static float[] Compose(IEnumerable<(ReadOnlyMemory<float> Vector, float Weight)> terms, int dimensions)
    {
        var sum = new float[dimensions];
        foreach (var (vector, weight) in terms)
        {
            if (vector.Length != dimensions)
                throw new ArgumentException($"A term has {vector.Length} dimensions, expected {dimensions}.", nameof(terms));
            TensorPrimitives.MultiplyAdd(vector.Span, weight, sum, sum);
        }
        NonNegativeL2Normalize(sum);
        return sum;
    }
}
