using FaceFunctions.Index;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// Reads a <see cref="GalleryFilter"/> from a request: a compose body's "filter" (bound by its record) or search's "filter" query
/// parameters ("person:KA" or "expression:HA,SU", one per facet), checked against the model's facets.
/// </summary>
public static class FacetFilter
{
    /// <summary>Search's "filter" query parameters, each "facet:value" or "facet:value1,value2"; null without any.</summary>
    public static GalleryFilter? Parse(IEnumerable<string?> parameters, GalleryView view, out string? error)
    {
        error = null;
        var terms = new List<(string Facet, IReadOnlyList<string>? Values)>();
        foreach (var parameter in parameters)
        {
            var colon = parameter?.IndexOf(':') ?? -1;
            if (colon <= 0)
                return Fail($"A filter is facet:value or facet:value1,value2, e.g. {view.FacetNames[0]}:...; got '{parameter}'.", out error);
            terms.Add((parameter![..colon], parameter[(colon + 1)..].Split(',')));
        }
        return terms.Count == 0 ? null : Build(terms, view, out error);
    }

    /// <summary>A filter of facet names to the values a result may have (a compose body's "filter"), checked against the view (trained and enrolled values).</summary>
    public static GalleryFilter? Build(IEnumerable<(string Facet, IReadOnlyList<string>? Values)> terms, GalleryView view, out string? error)
    {
        error = null;
        var allowed = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (facet, values) in terms)
        {
            var entry = view.Facets.Facet(facet);
            if (entry is null)
                return Fail($"Unknown facet '{facet}' in the filter; facets: {string.Join(", ", view.FacetNames)}.", out error);
            if (values is null || values.Count == 0)
                return Fail($"The filter of facet '{facet}' must list one or more values.", out error);
            if (!allowed.TryAdd(facet, []))
                return Fail($"The filter names facet '{facet}' twice; list its values once.", out error);
            foreach (var value in values)
            {
                if (entry.Values.All(v => v.Value != value))
                    return Fail($"Unknown value \"{value}\" for facet '{facet}' in the filter; values: {string.Join(", ", entry.Values.Select(v => v.Value))}.", out error);
                allowed[facet].Add(value);
            }
        }
        return allowed.Count == 0
            ? Fail("The filter names no facet.", out error)
            : new GalleryFilter(allowed.ToDictionary(f => f.Key, IReadOnlyCollection<string> (f) => f.Value, StringComparer.Ordinal));
    }

    private static GalleryFilter? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }
}
