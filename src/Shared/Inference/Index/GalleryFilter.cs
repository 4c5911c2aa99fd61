using FaceFunctions.Artifacts;

namespace FaceFunctions.Index;

/// <summary>
/// A restriction of results by facet values: on each named facet an image must carry one of the listed values
/// ("person" in [KA], "expression" in [HA, SU]); facets not named are free. Checked against the model's facets by
/// whoever builds it (the API's parser).
/// </summary>
public sealed class GalleryFilter(IReadOnlyDictionary<string, IReadOnlyCollection<string>> allowed)
{
    public IReadOnlyDictionary<string, IReadOnlyCollection<string>> Allowed { get; } = allowed;

    public bool Allows(IReadOnlyDictionary<string, string> labels) =>
        Allowed.All(facet => labels.TryGetValue(facet.Key, out var value) && facet.Value.Contains(value));

    /// <summary>Which of the entries the filter allows, row by row.</summary>
    public bool[] Rows(IReadOnlyList<GalleryEntry> entries) => entries.Select(entry => Allows(entry.Labels)).ToArray();
}
