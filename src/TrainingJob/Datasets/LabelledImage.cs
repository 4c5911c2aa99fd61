namespace FaceFunctions.TrainingJob.Datasets;

/// <summary>An image file and its values on the facets of its dataset.</summary>
/// <param name="Id">Unique within the dataset; safe in a URL path segment.</param>
/// <param name="Path">Full path of the image file.</param>
/// <param name="Labels">Facet name to value: one entry per facet, or fewer for a partly labelled image, which only trains.</param>
public sealed record LabelledImage(string Id, string Path, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>The source it was read from where a dataset joins several (<c>--data A --data B</c>); null for a single one.</summary>
    public string? Part { get; init; }

    /// <summary>The image's cell: its labels in the dataset's facet order (it must carry every facet).</summary>
    public Cell CellOf(IReadOnlyList<string> facets) => Cell.Of(Labels, facets);

    /// <summary>Whether the image has a value on every one of these facets.</summary>
    public bool Carries(IReadOnlyList<string> facets) => facets.All(Labels.ContainsKey);

    /// <summary>Whether the image could belong to the cell: each value it carries is the cell's.</summary>
    public bool AgreesWith(Cell cell, IReadOnlyList<string> facets) =>
        facets.Select((facet, f) => !Labels.TryGetValue(facet, out var value) || value == cell.Values[f]).All(agrees => agrees);
}

/// <summary>A file that was left out of a dataset, and why.</summary>
public sealed record DatasetProblem(string File, string Reason);

/// <summary>
/// A cell: one value per facet, in the dataset's facet order. Equal when the values are, whatever characters they hold
/// (a label may contain any separator); ordered value by value, ordinally.
/// </summary>
public sealed class Cell(IEnumerable<string> values) : IEquatable<Cell>, IComparable<Cell>
{
    public IReadOnlyList<string> Values { get; } = values.ToArray();

    public static Cell Of(IReadOnlyDictionary<string, string> labels, IReadOnlyList<string> facets) => new(facets.Select(f => labels[f]));

    public bool Equals(Cell? other) => other is not null && Values.SequenceEqual(other.Values, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as Cell);

    public static bool operator ==(Cell? left, Cell? right) => left?.Equals(right) ?? right is null;

    public static bool operator !=(Cell? left, Cell? right) => !(left == right);

    public static bool operator <(Cell? left, Cell? right) => Compare(left, right) < 0;

    public static bool operator <=(Cell? left, Cell? right) => Compare(left, right) <= 0;

    public static bool operator >(Cell? left, Cell? right) => Compare(left, right) > 0;

    public static bool operator >=(Cell? left, Cell? right) => Compare(left, right) >= 0;

    private static int Compare(Cell? left, Cell? right) => left is null ? (right is null ? 0 : -1) : left.CompareTo(right);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in Values)
            hash.Add(value, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    public int CompareTo(Cell? other)
    {
        if (other is null) return 1;
        foreach (var (mine, theirs) in Values.Zip(other.Values))
            if (string.CompareOrdinal(mine, theirs) is var order and not 0)
                return order;
        return Values.Count.CompareTo(other.Values.Count);
    }

    /// <summary>For logs and messages only.</summary>
    public override string ToString() => string.Join(", ", Values);
}
