namespace FaceFunctions.TrainingJob.Reporting;

/// <summary>The first two principal components of row vectors, by power iteration on the centred Gram matrix.</summary>
public static class Pca
{
    public static (double X, double Y)[] Project2D(float[] vectors, int rows, int dimensions, int seed = 1)
    {
        var mean = new double[dimensions];
        for (var r = 0; r < rows; r++)
        for (var d = 0; d < dimensions; d++)
            mean[d] += vectors[r * dimensions + d] / (double)rows;
        var gram = new double[rows, rows];
        for (var i = 0; i < rows; i++)
        for (var j = i; j < rows; j++)
        {
            double sum = 0;
            for (var d = 0; d < dimensions; d++)
                sum += (vectors[i * dimensions + d] - mean[d]) * (vectors[j * dimensions + d] - mean[d]);
            gram[i, j] = gram[j, i] = sum;
        }
        var random = new Random(seed);
        var components = new List<double[]>();
        for (var c = 0; c < 2; c++)
        {
            var v = Enumerable.Range(0, rows).Select(_ => random.NextDouble() - 0.5).ToArray();
            for (var iteration = 0; iteration < 200; iteration++)
            {
                var next = new double[rows];
                for (var i = 0; i < rows; i++)
                for (var j = 0; j < rows; j++)
                    next[i] += gram[i, j] * v[j];
                foreach (var previous in components) // deflate: stay orthogonal to the components found
                {
                    var dot = next.Zip(previous).Sum(p => p.First * p.Second);
                    for (var i = 0; i < rows; i++) next[i] -= dot * previous[i];
                }
                var norm = Math.Sqrt(next.Sum(x => x * x));
                if (norm == 0) break;
                v = next.Select(x => x / norm).ToArray();
            }
            components.Add(v);
        }
        // Gram eigenvectors are the projections up to scale; scale by sqrt(eigenvalue) for true coordinates.
        double Scale(double[] u)
        {
            double lambda = 0;
            for (var i = 0; i < rows; i++)
            for (var j = 0; j < rows; j++)
                lambda += u[i] * gram[i, j] * u[j];
            return Math.Sqrt(Math.Max(lambda, 0));
        }
        var (sx, sy) = (Scale(components[0]), Scale(components[1]));
        return Enumerable.Range(0, rows).Select(i => (components[0][i] * sx, components[1][i] * sy)).ToArray();
    }
}
