using System.Diagnostics;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Index;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace FaceFunctions.Functions.Api;

/// <summary>The answer of compose and search; <see cref="Face"/> says what the face step found in an uploaded image.</summary>
public sealed record SearchResponse(string ModelVersion, IReadOnlyList<SearchResult> Results, FaceResult? Face = null)
{
    public static SearchResponse From(ServingModel model, IReadOnlyList<SearchHit> hits, FaceResult? face = null) =>
        new(model.Bundle.Version, hits.Select(hit =>
        {
            var entry = model.Bundle.Gallery[hit.Row];
            return new SearchResult(entry.Id, entry.Labels, hit.Score, $"/api/images/{Uri.EscapeDataString(entry.Id)}");
        }).ToList(), face);
}

/// <summary>Searches a model's gallery and answers with its results, or 503 while the gallery's index cannot be reached.</summary>
public static class GallerySearch
{
    public static async Task<IActionResult> AnswerAsync(ServingModel model, ReadOnlyMemory<float> query, int k, GalleryFilter? filter,
        FaceResult? face, ILogger logger, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var hits = await model.SearchAsync(query, k, filter, cancellationToken);
            logger.LogInformation("Searched {Count} vectors of model {ModelVersion} ({Index}) for the top {K} in {SearchMs:F2} ms.",
                model.Gallery.Count, model.Bundle.Version, model.Gallery.Description, k, clock.Elapsed.TotalMilliseconds);
            return new OkObjectResult(SearchResponse.From(model, hits, face));
        }
        catch (GalleryUnavailableException e)
        {
            logger.LogWarning("Model {ModelVersion}'s gallery cannot be searched: {Error}", model.Bundle.Version, e.Message);
            return Problems.IndexUnavailable();
        }
    }
}

/// <param name="Image">Where the app can fetch the gallery image.</param>
public sealed record SearchResult(string Id, IReadOnlyDictionary<string, string> Labels, float Score, string Image);

/// <summary>Parses and checks k: a whole number from 1 to the configured maximum.</summary>
public static class ResultCount
{
    public static bool TryParse(string? text, ServingOptions options, out int k, out string? error)
    {
        k = options.DefaultK;
        error = null;
        if (string.IsNullOrEmpty(text)) return true;
        if (int.TryParse(text, out k) && k >= 1 && k <= options.MaxK) return true;
        error = $"k must be a whole number from 1 to {options.MaxK}; got '{text}'.";
        return false;
    }
}
