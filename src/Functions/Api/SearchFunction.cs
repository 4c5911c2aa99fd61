using FaceFunctions.Functions.Serving;
using FaceFunctions.Imaging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// POST /api/search?k=5: an image as the raw body (image/*, application/octet-stream) or as the multipart field
/// "image"; embedded with the model and searched.
/// </summary>
public sealed class SearchFunction(ModelProvider provider, IOptions<ServingOptions> options)
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
                if (request.ContentLength > limits.MaxRequestBytes)
                    throw new RequestBody.TooLargeException(limits.MaxRequestBytes);
                var form = await request.ReadFormAsync(cancellationToken);
                var file = form.Files.GetFile(FormField);
                if (file is null)
                    return Problems.BadRequest($"The multipart form has no file field '{FormField}'.");
                await using var stream = file.OpenReadStream();
                image = await RequestBody.ReadAsync(stream, file.Length, limits.MaxRequestBytes, cancellationToken);
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

        float[] query;
        try
        {
            using var decoded = new ImageDecoder(limits.MaxImagePixels).Decode(image);
            query = model.Embedder.Embed(decoded);
        }
        catch (ImageDecodeException e)
        {
            return e.Failure switch
            {
                ImageDecodeFailure.UnsupportedFormat => Problems.UnsupportedMediaType(e.Message),
                ImageDecodeFailure.TooLarge => Problems.TooLarge(e.Message),
                _ => Problems.BadRequest(e.Message),
            };
        }
        return new OkObjectResult(SearchResponse.From(model, model.Index.Search(query, k)));
    }
}
