using System.Diagnostics;
using FaceFunctions.Functions.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// POST /api/search?k=5: an image as the raw body (image/*, application/octet-stream) or as the multipart field
/// "image"; embedded with the model and searched.
/// </summary>
public sealed class SearchFunction(ModelProvider provider, ImageEmbedding images, IOptions<ServingOptions> options, ILogger<SearchFunction> logger)
{
    public const string FormField = "image";

    [Function("Search")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "search")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var model = provider.Current;
        if (model is null)
            return Problems.NoModel(provider);
        var limits = options.Value;
        if (!ResultCount.TryParse(request.Query["k"], limits, out var k, out var error))
            return Problems.BadRequest(error!);

        byte[] image;
        try
        {
            var type = request.ContentType ?? "";
            if (request.HasFormContentType)
            {
                var form = await RequestBody.ReadFormAsync(request, limits.MaxRequestBytes, cancellationToken);
                var file = await RequestBody.ReadFileAsync(form, FormField, limits.MaxRequestBytes, cancellationToken);
                if (file is null)
                    return Problems.BadRequest($"The multipart form has no file field '{FormField}'.");
                image = file;
            }
            else if (type.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
                     || type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            {
                image = await RequestBody.ReadAsync(request, limits.MaxRequestBytes, cancellationToken);
            }
            else
            {
                return Problems.UnsupportedMediaType(
                    $"Send the image as the body (Content-Type image/png, image/jpeg, image/tiff, image/gif, image/bmp) " +
                    $"or as the multipart/form-data field '{FormField}'; got '{type}'.");
            }
        }
        catch (RequestBody.TooLargeException e)
        {
            return Problems.TooLarge($"An image may be at most {e.Limit} bytes.");
        }
        catch (InvalidDataException e)
        {
            return Problems.BadRequest($"The multipart form cannot be read: {e.Message}");
        }

        var query = images.Embed(model, image, out var failure);
        if (query is null)
            return failure!;
        var clock = Stopwatch.StartNew();
        var hits = model.Index.Search(query, k);
        logger.LogInformation("Searched {Count} vectors of model {ModelVersion} for the top {K} in {SearchMs:F2} ms.",
            model.Index.Count, model.Bundle.Version, k, clock.Elapsed.TotalMilliseconds);
        return new OkObjectResult(SearchResponse.From(model, hits));
    }
}
