using System.Text.Json;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Vectors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// POST /api/compose: {"add": {facet: value, ...}, "subtract": {facet: value, ...}, "imageId": "...", "k": 5}.
/// The query is the sum of the added facet vectors (and of the gallery image's vector) minus the subtracted ones,
/// made non-negative and unit length, then searched.
/// </summary>
public sealed class ComposeFunction(ModelProvider provider, IOptions<ServingOptions> options)
{
    private static readonly string[] Properties = ["add", "subtract", "imageId", "k"];

    [Function("Compose")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "compose")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var model = provider.Current;
        if (model is null)
            return Problems.NoModel(provider);
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Problems.UnsupportedMediaType($"Send the query as application/json, not '{type}'.");
        byte[] body;
        try
        {
            body = await RequestBody.ReadAsync(request, options.Value.MaxRequestBytes, cancellationToken);
        }
        catch (RequestBody.TooLargeException e)
        {
            return Problems.TooLarge($"A compose request may hold at most {e.Limit} bytes.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return Problems.BadRequest($"The body is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Problems.BadRequest("The body must be a JSON object with add, subtract, imageId and k.");
            foreach (var property in root.EnumerateObject())
                if (!Properties.Contains(property.Name))
                    return Problems.BadRequest($"Unknown property '{property.Name}'; allowed: {string.Join(", ", Properties)}.");

            var terms = new List<(ReadOnlyMemory<float>, float)>();
            foreach (var (name, sign) in new[] { ("add", 1f), ("subtract", -1f) })
            {
                if (!root.TryGetProperty(name, out var facets) || facets.ValueKind == JsonValueKind.Null) continue;
                if (facets.ValueKind != JsonValueKind.Object)
                    return Problems.BadRequest($"'{name}' must be an object of facet names to values, e.g. {{\"{model.Bundle.FacetNames[0]}\": \"...\"}}.");
                foreach (var facet in facets.EnumerateObject())
                {
                    var entry = model.Bundle.Facets.Facet(facet.Name);
                    if (entry is null)
                        return Problems.BadRequest($"Unknown facet '{facet.Name}' in '{name}'; facets: {string.Join(", ", model.Bundle.FacetNames)}.");
                    if (facet.Value.ValueKind != JsonValueKind.String
                        || !model.Bundle.Facets.TryGet(facet.Name, facet.Value.GetString()!, out var vector))
                        return Problems.BadRequest($"Unknown value {facet.Value.GetRawText()} for facet '{facet.Name}'; values: " +
                                                   string.Join(", ", entry.Values.Select(v => v.Value)) + ".");
                    terms.Add((vector, sign));
                }
            }
            if (root.TryGetProperty("imageId", out var imageId) && imageId.ValueKind != JsonValueKind.Null)
            {
                if (imageId.ValueKind != JsonValueKind.String || !model.TryGetRow(imageId.GetString()!, out var row))
                    return Problems.BadRequest($"imageId {imageId.GetRawText()} is not the id of a gallery image.");
                terms.Add((model.Bundle.GalleryVector(row), 1f));
            }
            if (!terms.Any(t => t.Item2 > 0))
                return Problems.BadRequest("Nothing to search for: give 'add' with at least one facet value, or an 'imageId'.");

            var k = options.Value.DefaultK;
            if (root.TryGetProperty("k", out var kElement)
                && !(kElement.ValueKind == JsonValueKind.Number && kElement.TryGetInt32(out k) && k >= 1 && k <= options.Value.MaxK))
                return Problems.BadRequest($"k must be a whole number from 1 to {options.Value.MaxK}; got {kElement.GetRawText()}.");

            var query = VectorMath.Compose(terms, model.Bundle.Dimensions);
            return new OkObjectResult(SearchResponse.From(model, model.Index.Search(query, k)));
        }
    }
}
