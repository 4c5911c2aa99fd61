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

    /// <summary>Σ weight·vector, made non-negative and unit length: a composed query (zero when nothing is left).</summary>
    public static float[] Compose(IEnumerable<(ReadOnlyMemory<float> Vector, float Weight)> terms, int dimensions) =>
        TryCompose(terms, dimensions, out var vector, out _) ? vector : new float[dimensions];

    /// <summary>
    /// Σ weight·vector, made non-negative and unit length. The sum runs in double precision and is scaled by its largest
    /// component before it is normalised, so weights count only relative to each other: 3e38 three times, or 1e-45
    /// alone, compose as weight 1 does. False when no positive component is left: the terms cancel, or all are negative.
    /// </summary>
    public static bool TryCompose(IEnumerable<(ReadOnlyMemory<float> Vector, float Weight)> terms, int dimensions,
        out float[] vector, out string? whyNot)
    {
        var sum = new double[dimensions];
        var magnitude = 0.0; // how large the sum could be; what is left under a millionth of it is rounding
        foreach (var (term, weight) in terms)
        {
            if (term.Length != dimensions)
                throw new ArgumentException($"A term has {term.Length} dimensions, expected {dimensions}.", nameof(terms));
            var span = term.Span;
            for (var d = 0; d < dimensions; d++)
                sum[d] += (double)weight * span[d];
            magnitude += Math.Abs((double)weight * TensorPrimitives.MaxMagnitude(span));
        }
        vector = new float[dimensions];
        var largest = sum.Max();
        if (!double.IsFinite(largest) || sum.Any(double.IsNaN))
        {
            whyNot = "the weighted sum of the terms is not a finite number";
            return false;
        }
        if (largest <= magnitude * 1e-6)
        {
            whyNot = "the terms cancel: no component of their weighted sum is positive, so nothing is left to search for";
            return false;
        }
        for (var d = 0; d < dimensions; d++)
            vector[d] = (float)(Math.Max(sum[d], 0) / largest);
        L2Normalize(vector);
        whyNot = null;
        return true;
    }
}
