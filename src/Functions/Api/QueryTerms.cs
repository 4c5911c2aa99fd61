using FaceFunctions.Artifacts;
using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Index;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// A <see cref="ComposeQuery"/> checked against the serving model's gallery view: the vectors of the facet values and the gallery image
/// it names with their signed weights, the facets whose predicted value is taken away, the filter and k. Every rule of
/// what a compose request may say that its JSON shape does not already say is here.
/// </summary>
public sealed class QueryTerms
{
    private QueryTerms(FacetVectors facets, List<(ReadOnlyMemory<float> Vector, float Weight)> weighted, int k, ReadOnlyMemory<float>? image,
        IReadOnlyList<string> predicted, GalleryFilter? filter) =>
        (Facets, Weighted, K, _image, SubtractPredicted, Filter) = (facets, weighted, k, image, predicted, filter);

    /// <summary>The vector of the gallery image the query names, if it names one.</summary>
    private readonly ReadOnlyMemory<float>? _image;

    /// <summary>The facet vectors this query composes (<see cref="GalleryView.FacetsFor"/>).</summary>
    public FacetVectors Facets { get; }

    /// <summary>The facet values and the gallery image named, with their signed weights.</summary>
    public List<(ReadOnlyMemory<float> Vector, float Weight)> Weighted { get; }
    public int K { get; }
    public IReadOnlyList<string> SubtractPredicted { get; }
    /// <summary>Which gallery images may be results; null: all.</summary>
    public GalleryFilter? Filter { get; }

    /// <summary>The query's terms, or null with what is wrong and what is allowed.</summary>
    /// <param name="named">The vector of the live image whose id the query names (<see cref="ComposeQuery.ImageId"/>); null where none has it.</param>
    /// <param name="uploaded">An image came with the request (multipart), so the query may consist of it alone.</param>
    public static QueryTerms? From(ComposeQuery query, GalleryView view, ReadOnlyMemory<float>? named, ServingOptions options, bool uploaded, out string? error)
    {
        if (!TryWeigh(query, view, out var facets, out var terms, out error))
            return null;
        ReadOnlyMemory<float>? image = null;
        if (query.ImageId is { } id)
        {
            if (uploaded)
                return Fail("Give either 'imageId' or an uploaded image, not both.", out error);
            if (named is not { } vector)
                return Fail($"imageId \"{id}\" is not the id of a gallery image.", out error);
            image = vector;
            terms.Add((vector, 1f));
        }
        var predicted = query.SubtractPredicted ?? [];
        if (predicted.Any(f => view.Facets.Facet(f) is null))
            return Fail($"'subtractPredicted' must be an array of facet names from: {string.Join(", ", view.FacetNames)}.", out error);
        if (predicted.Count > 0 && image is null && !uploaded)
            return Fail("'subtractPredicted' needs an image: an 'imageId' or an uploaded image.", out error);
        if (terms.Count + predicted.Count > options.MaxTerms)
            return Fail($"A query may combine at most {options.MaxTerms} terms; this one has {terms.Count + predicted.Count}.", out error);
        if (!uploaded && !terms.Any(t => t.Weight > 0))
            return Fail("Nothing to search for: add at least one facet value, or give an 'imageId' or an image.", out error);
        GalleryFilter? filter = null;
        if (query.Filter is { } allowed && (filter = FacetFilter.Build(allowed.Select(f => (f.Key, (IReadOnlyList<string>?)f.Value)), view, out error)) is null)
            return null;
        return ResultCount.TryCheck(query.K, options, out var k, out error) ? new QueryTerms(facets, terms, k, image, predicted, filter) : null;
    }

    /// <summary>The vectors of the added and subtracted facet values, with their signed weights.</summary>
    private static bool TryWeigh(ComposeQuery query, GalleryView view, out FacetVectors facets,
        out List<(ReadOnlyMemory<float> Vector, float Weight)> terms, out string? error)
    {
        var named = (query.Add ?? []).Concat(query.Subtract ?? []).SelectMany(f => f.Value.Keys.Select(value => (f.Key, value)));
        facets = view.FacetsFor(named);
        terms = [];
        error = null;
        foreach (var (section, name, sign) in new[] { (query.Add, "add", 1f), (query.Subtract, "subtract", -1f) })
            foreach (var (facet, weights) in section ?? [])
            {
                if (facets.Facet(facet) is not { } entry)
                    return Refuse($"Unknown facet '{facet}' in '{name}'; facets: {string.Join(", ", view.FacetNames)}.", out error);
                foreach (var (value, given) in weights)
                {
                    if (!facets.TryGet(facet, value, out var vector))
                        return Refuse($"Unknown value \"{value}\" for facet '{facet}'; values: {string.Join(", ", entry.Values.Select(v => v.Value))}.", out error);
                    var weight = (float)given;
                    if (!(weight > 0 && float.IsFinite(weight)))
                        return Refuse($"The weight of '{facet}' = \"{value}\" must be a positive number (use 'subtract' to take away); got {given}.", out error);
                    terms.Add((vector, sign * weight));
                }
            }
        return true;
    }

    /// <summary>The weighted terms of the query vector; <paramref name="image"/> is the uploaded image's embedding, if any.</summary>
    public List<(ReadOnlyMemory<float> Vector, float Weight)> Terms(ReadOnlyMemory<float>? image)
    {
        var terms = new List<(ReadOnlyMemory<float>, float)>(Weighted);
        var own = image ?? _image;
        if (image is { } uploaded)
            terms.Add((uploaded, 1f));
        foreach (var facet in SubtractPredicted)
            terms.Add((Predict(Facets, facet, own!.Value), -1f));
        return terms;
    }

    /// <summary>The vector of the facet value whose vector is nearest (cosine) to <paramref name="vector"/>.</summary>
    private static ReadOnlyMemory<float> Predict(FacetVectors facets, string facet, ReadOnlyMemory<float> vector) =>
        facets.Facet(facet)!.Values
            .Select(v => facets.TryGet(facet, v.Value, out var candidate) ? candidate : default)
            .MaxBy(candidate => System.Numerics.Tensors.TensorPrimitives.Dot(candidate.Span, vector.Span));

    private static QueryTerms? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }

    private static bool Refuse(string message, out string? error)
    {
        error = message;
        return false;
    }
}
