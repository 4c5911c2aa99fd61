using FaceFunctions.Functions.Serving;
using FaceFunctions.Index;

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
