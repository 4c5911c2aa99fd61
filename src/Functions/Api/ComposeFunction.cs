using System.Text.Json;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Vectors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// POST /api/compose: a <see cref="ComposeQuery"/> as application/json, or as the multipart/form-data field "query"
/// beside an image in the field "image" ("this person, smiling": the image plus facet changes). The query vector is
/// the weighted sum, made non-negative and unit length, then searched. POST /api/compose/form is the same operation
/// under its own route, so that the OpenAPI document gives client generators one media type per operation.
/// </summary>
public sealed class ComposeFunction(ModelProvider provider, ImageEmbedding images, IOptions<ServingOptions> options, ILogger<ComposeFunction> logger)
{
    public const string QueryField = "query";

    [Function("ComposeForm")]
    public Task<IActionResult> RunForm(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "compose/form")] HttpRequest request,
        CancellationToken cancellationToken) => Run(request, cancellationToken);

    [Function("Compose")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "compose")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var lease = provider.Acquire();
        if (lease is null)
            return Problems.NoModel(provider);
        var model = lease.Model;
        var limits = options.Value;
        var (body, image, failure) = await ReadAsync(request, limits, cancellationToken);
        if (failure is not null)
            return failure;

        ComposeQuery? query;
        try
        {
            using var document = JsonBody.Parse(body);
            query = ComposeQuery.Parse(document.RootElement, model, limits, uploaded: image is not null, out var error);
            if (query is null)
                return Problems.BadRequest(error!);
        }
        catch (JsonException e)
        {
            return Problems.BadRequest($"The query is not valid JSON: {e.Message}");
        }

        ReadOnlyMemory<float>? uploaded = null;
        FaceResult? face = null;
        if (image is not null)
        {
            var embedded = await images.EmbedAsync(model, image, ImageEmbedding.WholeImageAsked(request), cancellationToken);
            if (embedded.Vector is null)
                return embedded.Failure!;
            (uploaded, face) = (embedded.Vector, embedded.Face);
        }
        if (!VectorMath.TryCompose(query.Terms(model, uploaded), model.Bundle.Dimensions, out var vector, out var whyNot))
            return Problems.BadRequest($"The query cannot be searched: {whyNot}.");
        return await GallerySearch.AnswerAsync(model, vector, query.K, query.Filter, face, logger, cancellationToken);
    }

    /// <summary>The query's JSON and the uploaded image (multipart), or the problem with the body.</summary>
    private static async Task<(byte[] Query, byte[]? Image, IActionResult? Failure)> ReadAsync(HttpRequest request, ServingOptions limits,
        CancellationToken cancellationToken)
    {
        try
        {
            if (request.HasFormContentType)
            {
                var form = await RequestBody.ReadFormAsync(request, limits.MaxRequestBytes, cancellationToken);
                if (!form.TryGetValue(SearchFunction.FormField, out var image))
                    return ([], null, Problems.BadRequest($"The multipart form has no file field '{SearchFunction.FormField}'."));
                return (form.GetValueOrDefault(QueryField) ?? "{}"u8.ToArray(), image, null);
            }
            if (request.ContentType is null || request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
                return (await RequestBody.ReadAsync(request, limits.MaxRequestBytes, cancellationToken), null, null);
            return ([], null, Problems.UnsupportedMediaType(
                $"Send the query as application/json, or as multipart/form-data with the fields '{QueryField}' and '{SearchFunction.FormField}'; got '{request.ContentType}'."));
        }
        catch (RequestBody.TooLargeException e)
        {
            return ([], null, Problems.TooLarge($"A compose request may hold at most {e.Limit} bytes."));
        }
        catch (RequestBody.MalformedException e)
        {
            return ([], null, Problems.BadRequest(e.Message));
        }
    }
}
