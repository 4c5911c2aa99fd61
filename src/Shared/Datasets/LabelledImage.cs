namespace FaceFunctions.Datasets;

/// <summary>An image file and its value on every facet of its dataset.</summary>
/// <param name="Id">Unique within the dataset; safe in a URL path segment.</param>
/// <param name="Path">Full path of the image file.</param>
/// <param name="Labels">Facet name to value, one entry per facet of the dataset.</param>
public sealed record LabelledImage(string Id, string Path, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>The labels in the dataset's facet order, joined: the key of the image's cell.</summary>
    public string CellKey(IReadOnlyList<string> facets) => Cells.Key(facets.Select(f => Labels[f]));
}

/// <summary>A file that was left out of a dataset, and why.</summary>
public sealed record DatasetProblem(string File, string Reason);

/// <summary>Cells are the combinations of one value per facet.</summary>
public static class Cells
{
    public static string Key(IEnumerable<string> values) => string.Join('|', values);
}
