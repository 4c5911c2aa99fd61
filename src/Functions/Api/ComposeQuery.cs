using System.Text.Json;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Index;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// A compose request, checked against the serving model:
/// {"add": {facet: value | {value: weight, ...}}, "subtract": {...}, "imageId": "...", "subtractPredicted": [facet],
/// "filter": {facet: [value, ...]}, "k": 5}.
/// Weights are positive numbers (subtract with "subtract"); "subtractPredicted" removes, for each named facet, the
/// vector of the value nearest to the image's own vector (the image of "imageId", or the uploaded one).
/// </summary>
public sealed class ComposeQuery
{
    private static readonly string[] Properties = ["add", "subtract", "imageId", "subtractPredicted", "filter", "k"];

    private ComposeQuery(List<(ReadOnlyMemory<float> Vector, float Weight)> terms, int k, string? imageId, List<string> predicted, GalleryFilter? filter)
    {
        Weighted = terms;
        K = k;
        ImageId = imageId;
        SubtractPredicted = predicted;
        Filter = filter;
    }

    /// <summary>The facet values and the gallery image named, with their signed weights.</summary>
    public List<(ReadOnlyMemory<float> Vector, float Weight)> Weighted { get; }
    public int K { get; }
    public string? ImageId { get; }
    public IReadOnlyList<string> SubtractPredicted { get; }
    /// <summary>Which gallery images may be results; null: all.</summary>
    public GalleryFilter? Filter { get; }

    /// <summary>Parses <paramref name="root"/>; on a problem returns null and says what is wrong and what is allowed.</summary>
    /// <param name="uploaded">An image came with the request (multipart), so the query may consist of it alone.</param>
    public static ComposeQuery? Parse(JsonElement root, ServingModel model, ServingOptions options, bool uploaded, out string? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
            return Fail("The query must be a JSON object with add, subtract, imageId, subtractPredicted, filter and k.", out error);
        foreach (var property in root.EnumerateObject())
            if (!Properties.Contains(property.Name))
                return Fail($"Unknown property '{property.Name}'; allowed: {string.Join(", ", Properties)}.", out error);

        var facets = model.Bundle.Facets;
        var terms = new List<(ReadOnlyMemory<float>, float)>();
        foreach (var (name, sign) in new[] { ("add", 1f), ("subtract", -1f) })
        {
            if (!root.TryGetProperty(name, out var section) || section.ValueKind == JsonValueKind.Null) continue;
            if (section.ValueKind != JsonValueKind.Object)
                return Fail($"'{name}' must be an object of facet names to a value or to {{value: weight}}, e.g. {{\"{model.Bundle.FacetNames[0]}\": \"...\"}}.", out error);
            foreach (var facet in section.EnumerateObject())
            {
                var entry = facets.Facet(facet.Name);
                if (entry is null)
                    return Fail($"Unknown facet '{facet.Name}' in '{name}'; facets: {string.Join(", ", model.Bundle.FacetNames)}.", out error);
                var weighted = facet.Value.ValueKind switch
                {
                    JsonValueKind.String => [(facet.Value.GetString()!, (JsonElement?)null)],
                    JsonValueKind.Object => facet.Value.EnumerateObject().Select(p => (p.Name, (JsonElement?)p.Value)).ToList(),
                    _ => null,
                };
                if (weighted is null)
                    return Fail($"Facet '{facet.Name}' in '{name}' takes a value or an object of values to weights; got {facet.Value.GetRawText()}.", out error);
                foreach (var (value, weightElement) in weighted)
                {
                    if (!facets.TryGet(facet.Name, value, out var vector))
                        return Fail($"Unknown value \"{value}\" for facet '{facet.Name}'; values: {string.Join(", ", entry.Values.Select(v => v.Value))}.", out error);
                    var weight = 1f;
                    if (weightElement is { } w && !(w.ValueKind == JsonValueKind.Number && w.TryGetSingle(out weight) && weight > 0 && float.IsFinite(weight)))
                        return Fail($"The weight of '{facet.Name}' = \"{value}\" must be a positive number (use 'subtract' to take away); got {w.GetRawText()}.", out error);
                    terms.Add((vector, sign * weight));
                }
            }
        }

        string? imageId = null;
        if (root.TryGetProperty("imageId", out var id) && id.ValueKind != JsonValueKind.Null)
        {
            if (uploaded)
                return Fail("Give either 'imageId' or an uploaded image, not both.", out error);
            if (id.ValueKind != JsonValueKind.String || !model.TryGetRow(id.GetString()!, out var row))
                return Fail($"imageId {id.GetRawText()} is not the id of a gallery image.", out error);
            imageId = id.GetString();
            terms.Add((model.Bundle.GalleryVector(row), 1f));
        }

        var predicted = new List<string>();
        if (root.TryGetProperty("subtractPredicted", out var predict) && predict.ValueKind != JsonValueKind.Null)
        {
            if (predict.ValueKind != JsonValueKind.Array || predict.EnumerateArray().Any(f => f.ValueKind != JsonValueKind.String || facets.Facet(f.GetString()!) is null))
                return Fail($"'subtractPredicted' must be an array of facet names from: {string.Join(", ", model.Bundle.FacetNames)}.", out error);
            if (imageId is null && !uploaded)
                return Fail("'subtractPredicted' needs an image: an 'imageId' or an uploaded image.", out error);
            predicted.AddRange(predict.EnumerateArray().Select(f => f.GetString()!));
        }

        if (terms.Count + predicted.Count > options.MaxTerms)
            return Fail($"A query may combine at most {options.MaxTerms} terms; this one has {terms.Count + predicted.Count}.", out error);
        if (!uploaded && !terms.Any(t => t.Item2 > 0))
            return Fail("Nothing to search for: add at least one facet value, or give an 'imageId' or an image.", out error);

        GalleryFilter? filter = null;
        if (root.TryGetProperty("filter", out var filterElement) && filterElement.ValueKind != JsonValueKind.Null
            && (filter = FacetFilter.Parse(filterElement, model.Bundle, out error)) is null)
            return null;

        var k = options.DefaultK;
        if (root.TryGetProperty("k", out var kElement)
            && !(kElement.ValueKind == JsonValueKind.Number && kElement.TryGetInt32(out k) && k >= 1 && k <= options.MaxK))
            return Fail($"k must be a whole number from 1 to {options.MaxK}; got {kElement.GetRawText()}.", out error);
        return new ComposeQuery(terms, k, imageId, predicted, filter);
    }

    /// <summary>The weighted terms of the query vector; <paramref name="image"/> is the uploaded image's embedding, if any.</summary>
    public List<(ReadOnlyMemory<float> Vector, float Weight)> Terms(ServingModel model, ReadOnlyMemory<float>? image)
    {
        var terms = new List<(ReadOnlyMemory<float>, float)>(Weighted);
        var own = image;
        if (image is { } uploaded)
            terms.Add((uploaded, 1f));
        else if (ImageId is not null && model.TryGetRow(ImageId, out var row))
            own = model.Bundle.GalleryVector(row);
        foreach (var facet in SubtractPredicted)
            terms.Add((Predict(model, facet, own!.Value), -1f));
        return terms;
    }

    /// <summary>The vector of the facet value whose vector is nearest (cosine) to <paramref name="vector"/>.</summary>
    private static ReadOnlyMemory<float> Predict(ServingModel model, string facet, ReadOnlyMemory<float> vector)
    {
        var facets = model.Bundle.Facets;
        return facets.Facet(facet)!.Values
            .Select(v => facets.TryGet(facet, v.Value, out var candidate) ? candidate : default)
            .MaxBy(candidate => System.Numerics.Tensors.TensorPrimitives.Dot(candidate.Span, vector.Span));
    }

    private static ComposeQuery? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }
}
