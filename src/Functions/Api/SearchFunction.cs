using FaceFunctions.Functions.Serving;
using FaceFunctions.Imaging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// POST /api/search?k=5&amp;filter=person:KA: an image as the raw body (image/*, application/octet-stream) or as the multipart field
/// "image"; embedded with the model and searched. POST /api/search/form is the same operation under its own route, so
/// that the OpenAPI document gives client generators one media type per operation.
/// </summary>
public sealed class SearchFunction(ModelProvider provider, ImageEmbedding images, IOptions<ServingOptions> options, ILogger<SearchFunction> logger)
{
    public const string FormField = "image";
    /// <summary>Query parameters that restrict results by facet values (<see cref="FacetFilter"/>).</summary>
    public const string FilterParameter = "filter";

    [Function("SearchForm")]
    public Task<IActionResult> RunForm(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "search/form")] HttpRequest request,
        CancellationToken cancellationToken) => Run(request, cancellationToken);

    [Function("Search")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "search")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var lease = provider.Acquire();
        if (lease is null)
            return Problems.NoModel(provider);
        var model = lease.Model;
        var limits = options.Value;
        if (!ResultCount.TryParse(request.Query["k"], limits, out var k, out var error))
            return Problems.BadRequest(error!);
        var filter = FacetFilter.Parse(request.Query[FilterParameter], model.Bundle, out error);
        if (error is not null)
            return Problems.BadRequest(error);

        var (image, failure) = await ReadImageAsync(request, limits, cancellationToken);
        if (image is null)
            return failure!;
        var embedded = await images.EmbedAsync(model, image, ImageEmbedding.WholeImageAsked(request), cancellationToken);
        if (embedded.Vector is null)
            return embedded.Failure!;
        return await GallerySearch.AnswerAsync(model, embedded.Vector, k, filter, embedded.Face, logger, cancellationToken);
    }

    /// <summary>The image of a request: its raw body, or its form's field "image".</summary>
    private static async Task<(byte[]? Image, IActionResult? Failure)> ReadImageAsync(HttpRequest request, ServingOptions limits,
        CancellationToken cancellationToken)
    {
        var type = request.ContentType ?? "";
        try
        {
            if (request.HasFormContentType)
            {
                var form = await RequestBody.ReadFormAsync(request, limits.MaxRequestBytes, cancellationToken);
                return form.TryGetValue(FormField, out var file)
                    ? (file, null)
                    : (null, Problems.BadRequest($"The multipart form has no file field '{FormField}'."));
            }
            if (type.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
                || type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
                return (await RequestBody.ReadAsync(request, limits.MaxRequestBytes, cancellationToken), null);
            return (null, Problems.UnsupportedMediaType(
                $"Send the image ({ImageDecoder.AcceptedFormats}) as the body, with Content-Type image/* or application/octet-stream, " +
                $"or as the multipart/form-data field '{FormField}'; got '{type}'."));
        }
        catch (RequestBody.TooLargeException e)
        {
            return (null, Problems.TooLarge($"An image may be at most {e.Limit} bytes."));
        }
        catch (RequestBody.MalformedException e)
        {
            return (null, Problems.BadRequest(e.Message));
        }
    }
}
