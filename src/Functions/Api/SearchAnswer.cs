using System.Diagnostics;
using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Index;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace FaceFunctions.Functions.Api;

/// <summary>Searches a model's gallery and answers with its results, or 503 while the gallery's index cannot be reached.</summary>
public static class SearchAnswer
{
    public static async Task<IActionResult> AnswerAsync(ServingModel model, GalleryView view, ReadOnlyMemory<float> query, int k, GalleryFilter? filter,
        FaceResult? face, ILogger logger, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var hits = await view.SearchAsync(query, k, filter, cancellationToken);
            logger.LogInformation("Searched {Count} vectors of model {ModelVersion} ({Index}) for the top {K} in {SearchMs:F2} ms.",
                view.Count, model.Bundle.Version, model.Gallery.Description, k, clock.Elapsed.TotalMilliseconds);
            return new OkObjectResult(Response(model.Bundle.Version, hits, face));
        }
        catch (GalleryUnavailableException e)
        {
            logger.LogWarning("Model {ModelVersion}'s gallery cannot be searched: {Error}", model.Bundle.Version, e.Message);
            return Problems.IndexUnavailable();
        }
    }

    private static SearchResponse Response(string version, IReadOnlyList<ViewHit> hits, FaceResult? face) =>
        new(version, hits.Select(hit =>
            new SearchResult(hit.Image.Entry.Id, hit.Image.Entry.Labels, hit.Score, ImageFunction.PathOf(hit.Image.Entry.Id))).ToList(), face);
}
