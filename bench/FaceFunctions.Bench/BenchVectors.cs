using FaceFunctions.Vectors;

namespace FaceFunctions.Bench;

/// <summary>Galleries for the index benchmarks: non-negative unit vectors, uniform or gathered around centres.</summary>
public sealed class BenchVectors(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>Uniform in the positive orthant.</summary>
    public float[] Uniform(int count, int dimensions)
    {
        var rows = new float[(long)count * dimensions];
        for (var i = 0; i < rows.Length; i++) rows[i] = (float)_random.NextDouble();
        for (var r = 0; r < count; r++) VectorMath.NonNegativeL2Normalize(rows.AsSpan(r * dimensions, dimensions));
        return rows;
    }

    /// <summary>Around the given centres, as embeddings of photos gather around their person and expression.</summary>
    public float[] Clustered(int count, float[] centres, int dimensions, float spread = 0.15f)
    {
        var centreCount = centres.Length / dimensions;
        var rows = new float[(long)count * dimensions];
        for (var r = 0; r < count; r++)
        {
            var row = rows.AsSpan(r * dimensions, dimensions);
            centres.AsSpan(_random.Next(centreCount) * dimensions, dimensions).CopyTo(row);
            for (var d = 0; d < dimensions; d++) row[d] += spread * (float)(_random.NextDouble() - 0.5);
            VectorMath.NonNegativeL2Normalize(row);
        }
        return rows;
    }
}
