using System.Globalization;
using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// GET /api/gallery?filter=person:KA&amp;after=...&amp;limit=100: the gallery's images, paged: trained ones first, then
/// added ones in the order they came. The cursor names a place in that order, not an image, so erasures between pages
/// skip or repeat nothing.
/// </summary>
public sealed class GalleryListFunction(ModelProvider provider)
{
    public const string AfterParameter = "after";
    public const string LimitParameter = "limit";
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    [Function("GalleryList")]
    [Operation("listGallery", ApiTag.Gallery, "The gallery's images, trained and added, a page at a time.",
        Parameters = [OperationParameter.Filter, OperationParameter.After, OperationParameter.Limit], Answer = typeof(GalleryPage),
        Answered = "A page of images.", Problems = [400, 503])]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Function, "get", Route = "gallery")] HttpRequest request)
    {
        using var lease = provider.Acquire();
        if (lease is null)
            return Problems.NoModel(provider);
        var view = lease.Model.View;
        var filter = FacetFilter.Parse(request.Query[SearchFunction.FilterParameter], view, out var error);
        if (error is not null)
            return Problems.BadRequest(error);
        if (!TryPlace(request.Query[AfterParameter], out var after))
            return Problems.BadRequest($"'{AfterParameter}' is the 'next' of the page before; got '{request.Query[AfterParameter]}'.");
        var limitText = request.Query[LimitParameter].ToString();
        var limit = DefaultLimit;
        if (limitText.Length > 0 && !(int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit))
            return Problems.BadRequest($"'{LimitParameter}' is a whole number from 1 to {MaxLimit}; got '{limitText}'.");

        var rows = view.Rows().Where(row => Place(view, row).CompareTo(after) > 0)
            .Where(row => filter is null || filter.Allows(view.Entry(row).Labels))
            .Take(limit + 1).ToList();
        var page = rows.Take(limit).Select(row => Image(view, row)).ToList();
        var next = rows.Count > limit ? Cursor(Place(view, rows[limit - 1])) : null;
        return new OkObjectResult(new GalleryPage(lease.Model.Bundle.Version, page, next));
    }

    private static GalleryImage Image(GalleryView view, int row)
    {
        var entry = view.Entry(row);
        var added = view.Addition(row)?.Added;
        return new GalleryImage(entry.Id, entry.Labels, added is null ? GalleryImageSource.Training : GalleryImageSource.Added,
            ImageFunction.PathOf(entry.Id), added?.Reference, added?.AddedUtc);
    }

    /// <summary>A row's place in the listing's order: trained rows by row, then additions by their change's number.</summary>
    private static (int Group, long Number) Place(GalleryView view, int row) =>
        view.Addition(row) is { } change ? (1, change.Sequence) : (0, row);

    private static string Cursor((int Group, long Number) place) =>
        (place.Group == 0 ? "t" : "a") + place.Number.ToString(CultureInfo.InvariantCulture);

    private static bool TryPlace(string? cursor, out (int Group, long Number) place)
    {
        place = (0, -1);
        if (string.IsNullOrEmpty(cursor))
            return true;
        var group = cursor[0] switch { 't' => 0, 'a' => 1, _ => -1 };
        if (group < 0 || !long.TryParse(cursor.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return false;
        place = (group, number);
        return true;
    }
}
