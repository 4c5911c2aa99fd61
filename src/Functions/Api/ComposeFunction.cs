using System.Text.Json;
using FaceFunctions.Functions.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// POST /api/compose: a <see cref="ComposeQuery"/> as application/json, or as the multipart/form-data field "query"
/// beside an image in the field "image" ("this person, smiling": the image plus facet changes). The query vector is
/// the weighted sum, made non-negative and unit length, then searched.
/// </summary>
public sealed class ComposeFunction(ModelProvider provider, ImageEmbedding images, IOptions<ServingOptions> options)
{
    public const string QueryField = "query";

    [Function("Compose")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "compose")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var model = provider.Current;
        if (model is null)
            return Problems.NoModel(provider);
        var limits = options.Value;
        byte[] body;
        byte[]? image = null;
        try
        {
            if (request.HasFormContentType)
            {
                var form = await RequestBody.ReadFormAsync(request, limits.MaxRequestBytes, cancellationToken);
                image = await RequestBody.ReadFileAsync(form, SearchFunction.FormField, limits.MaxRequestBytes, cancellationToken);
                if (image is null)
                    return Problems.BadRequest($"The multipart form has no file field '{SearchFunction.FormField}'.");
                body = System.Text.Encoding.UTF8.GetBytes(form[QueryField].FirstOrDefault() ?? "{}");
            }
            else if (request.ContentType is null || request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            {
                body = await RequestBody.ReadAsync(request, limits.MaxRequestBytes, cancellationToken);
            }
            else
            {
                return Problems.UnsupportedMediaType(
                    $"Send the query as application/json, or as multipart/form-data with the fields '{QueryField}' and '{SearchFunction.FormField}'; got '{request.ContentType}'.");
            }
        }
        catch (RequestBody.TooLargeException e)
        {
            return Problems.TooLarge($"A compose request may hold at most {e.Limit} bytes.");
        }
        catch (InvalidDataException e)
        {
            return Problems.BadRequest($"The multipart form cannot be read: {e.Message}");
        }

        ComposeQuery? query;
        try
        {
            using var document = JsonDocument.Parse(body);
            query = ComposeQuery.Parse(document.RootElement, model, limits, uploaded: image is not null, out var error);
            if (query is null)
                return Problems.BadRequest(error!);
        }
        catch (JsonException e)
        {
            return Problems.BadRequest($"The query is not valid JSON: {e.Message}");
        }

        ReadOnlyMemory<float>? uploaded = null;
        if (image is not null)
        {
            var embedded = images.Embed(model, image, out var failure);
            if (embedded is null)
                return failure!;
            uploaded = embedded;
        }
        var hits = model.Index.Search(query.Vector(model, uploaded), query.K);
        return new OkObjectResult(SearchResponse.From(model, hits));
    }
}
