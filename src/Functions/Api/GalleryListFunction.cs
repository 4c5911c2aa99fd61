using System.Globalization;
using FaceFunctions.Functions.Access;
using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Index;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// GET /api/gallery?filter=person:KA&amp;after=...&amp;limit=100: the gallery's images, paged: trained ones first, then
/// added ones in the order they came. The cursor names a place in that order, not an image, so erasures between pages
/// skip or repeat nothing.
/// </summary>
public sealed class GalleryListFunction(CallerGate gate, ModelProvider provider)
{
    public const string AfterParameter = "after";
    public const string LimitParameter = "limit";
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    [Function("GalleryList")]
    [Operation("listGallery", ApiTag.Gallery, "The gallery's images, trained and added, a page at a time.",
        Parameters = [OperationParameter.Filter, OperationParameter.After, OperationParameter.Limit], Answer = typeof(GalleryPage),
        Answered = "A page of images.", Problems = [400, 503], Permission = Permissions.Read)]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "gallery")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var admission = await gate.AdmitAsync(request, Permissions.Read, Traffic.Query, cancellationToken);
        if (admission.Refusal is not null)
            return admission.Refusal;
        using var lease = provider.Acquire();
        if (lease is null)
            return Problems.NoModel(provider);
        var view = lease.Model.View.For(admission.Caller!.Tenant);
        var filter = FacetFilter.Parse(request.Query[SearchFunction.FilterParameter], view, out var error);
        if (error is not null)
            return Problems.BadRequest(error);
        if (!TryPlace(request.Query[AfterParameter], out var after))
            return Problems.BadRequest($"'{AfterParameter}' is the 'next' of the page before; got '{request.Query[AfterParameter]}'.");
        var limitText = request.Query[LimitParameter].ToString();
        var limit = DefaultLimit;
        if (limitText.Length > 0 && !(int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit))
            return Problems.BadRequest($"'{LimitParameter}' is a whole number from 1 to {MaxLimit}; got '{limitText}'.");

        try
        {
            var images = await view.PageAsync(after, limit + 1, filter, cancellationToken);
            var next = images.Count > limit ? Cursor(Place(images[limit - 1])) : null;
            return new OkObjectResult(new GalleryPage(lease.Model.Bundle.Version, images.Take(limit).Select(Image).ToList(), next));
        }
        catch (GalleryUnavailableException)
        {
            return Problems.IndexUnavailable();
        }
    }

    private static GalleryImage Image(ViewImage image)
    {
        var added = image.Addition?.Added;
        return new GalleryImage(image.Entry.Id, image.Entry.Labels, added is null ? GalleryImageSource.Training : GalleryImageSource.Added,
            ImageFunction.PathOf(image.Entry.Id), added?.Reference, added?.AddedUtc);
    }

    private static GalleryPlace Place(ViewImage image) =>
        image.Addition is { } change ? new GalleryPlace(true, change.Sequence) : new GalleryPlace(false, image.Row);

    private static string Cursor(GalleryPlace place) =>
        (place.Added ? "a" : "t") + place.Number.ToString(CultureInfo.InvariantCulture);

    private static bool TryPlace(string? cursor, out GalleryPlace place)
    {
        place = GalleryPlace.Start;
        if (string.IsNullOrEmpty(cursor))
            return true;
        if (cursor[0] is not ('t' or 'a') || !long.TryParse(cursor.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return false;
        place = new GalleryPlace(cursor[0] == 'a', number);
        return true;
    }
}
