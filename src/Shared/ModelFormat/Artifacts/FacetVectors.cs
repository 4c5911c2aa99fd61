using FaceFunctions.Vectors;

namespace FaceFunctions.Artifacts;

/// <summary>The vector of every facet value: the unit-length element-wise median of its images' vectors.</summary>
public sealed class FacetVectors
{
    private readonly Dictionary<(string Facet, string Value), int> _rows;

    public FacetVectors(IReadOnlyList<FacetEntry> facets, float[] matrix, int dimensions)
    {
        Facets = facets;
        Matrix = matrix;
        Dimensions = dimensions;
        _rows = facets.SelectMany(f => f.Values.Select(v => ((f.Name, v.Value), v.Row))).ToDictionary();
        if (_rows.Count * dimensions != matrix.Length)
            throw new InvalidDataException($"{_rows.Count} facet values do not match {matrix.Length / Math.Max(dimensions, 1)} vectors.");
    }

    public IReadOnlyList<FacetEntry> Facets { get; }
    public float[] Matrix { get; }
    public int Dimensions { get; }

    public FacetEntry? Facet(string name) => Facets.FirstOrDefault(f => f.Name == name);

    public bool TryGet(string facet, string value, out ReadOnlyMemory<float> vector)
    {
        if (_rows.TryGetValue((facet, value), out var row))
        {
            vector = Matrix.AsMemory(row * Dimensions, Dimensions);
            return true;
        }
        vector = default;
        return false;
    }

    /// <summary>The two files that store them, in a model version and in a finished checkpoint: facets.json and facet-vectors.npy.</summary>
    public IReadOnlyDictionary<string, BinaryData> ToFiles() => new Dictionary<string, BinaryData>
    {
        [ArtifactNames.Facets] = ModelJson.Serialize(Facets),
        [ArtifactNames.FacetVectors] = new(Npy.Write(Matrix, Matrix.Length / Dimensions, Dimensions)),
    };

    /// <summary>Facet vectors from the files <see cref="ToFiles"/> writes.</summary>
    public static FacetVectors FromFiles(BinaryData facets, BinaryData vectors)
    {
        var (matrix, _, dimensions) = Npy.Read(vectors.ToMemory().Span);
        return new FacetVectors(ModelJson.Deserialize<List<FacetEntry>>(facets, ArtifactNames.Facets), matrix, dimensions);
    }

    /// <summary>
    /// These vectors with values enrolled without training (a person the model never saw): each gets the unit-length
    /// element-wise median of its images' vectors, as a median facet vector does; <paramref name="counts"/> replaces the
    /// image counts of values already here. The API's gallery view and the "enrolled values" protocol both come here.
    /// </summary>
    public FacetVectors WithValues(IEnumerable<(string Facet, string Value, IReadOnlyList<ReadOnlyMemory<float>> Images)> enrolled,
        Func<string, FacetValueEntry, int>? counts = null)
    {
        var added = enrolled.Where(e => e.Images.Count > 0).ToLookup(e => e.Facet, StringComparer.Ordinal);
        var matrix = new List<float>(Matrix);
        var next = Matrix.Length / Dimensions;
        var entries = Facets.Select(facet =>
        {
            var values = facet.Values.Select(v => counts is null ? v : v with { Images = counts(facet.Name, v) }).ToList();
            foreach (var (_, value, images) in added[facet.Name].Where(e => facet.Values.All(v => v.Value != e.Value)).OrderBy(e => e.Value, StringComparer.Ordinal))
            {
                matrix.AddRange(VectorMath.FacetVector(images));
                values.Add(new FacetValueEntry(value, next++, images.Count));
            }
            return new FacetEntry(facet.Name, values);
        }).ToList();
        return new FacetVectors(entries, matrix.ToArray(), Dimensions);
    }

    /// <summary>Facet vectors from image vectors (row-major, unit length) and each image's labels.</summary>
    public static FacetVectors FromImages(IReadOnlyList<string> facets, IReadOnlyList<IReadOnlyDictionary<string, string>> labels,
        float[] vectors, int dimensions)
    {
        var entries = new List<FacetEntry>();
        var matrix = new List<float>();
        var row = 0;
        foreach (var facet in facets)
        {
            var values = new List<FacetValueEntry>();
            foreach (var group in Enumerable.Range(0, labels.Count)
                         .GroupBy(i => labels[i][facet])
                         .OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var members = group.Select(i => vectors.AsMemory(i * dimensions, dimensions)).ToList();
                matrix.AddRange(VectorMath.FacetVector(members.Select(m => (ReadOnlyMemory<float>)m).ToList()));
                values.Add(new FacetValueEntry(group.Key, row++, members.Count));
            }
            entries.Add(new FacetEntry(facet, values));
        }
        return new FacetVectors(entries, matrix.ToArray(), dimensions);
    }
}
