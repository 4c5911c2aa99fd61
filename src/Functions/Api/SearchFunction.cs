using FaceFunctions.Functions.Access;
using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
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
public sealed class SearchFunction(CallerGate gate, ModelProvider provider, ImageEmbedding images, IOptions<ServingOptions> options, ILogger<SearchFunction> logger)
{
    /// <summary>Query parameters that restrict results by facet values (<see cref="FacetFilter"/>).</summary>
    public const string FilterParameter = "filter";

    [Function("SearchForm")]
    [Operation("searchForm", ApiTag.Search, "Search with an image sent as the multipart/form-data file field \"image\".",
        Request = RequestShape.ImageForm, Parameters = [OperationParameter.K, OperationParameter.WholeImage, OperationParameter.Filter],
        Answer = typeof(SearchResponse), Answered = "The nearest gallery images.", Problems = [400, 413, 415, 422, 503], Permission = Permissions.Read)]
    public Task<IActionResult> RunForm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "search/form")] HttpRequest request,
        CancellationToken cancellationToken) => Run(request, cancellationToken);

    [Function("Search")]
    [Operation("search", ApiTag.Search, "Search with an image sent as the request body.",
        Request = RequestShape.Image, Parameters = [OperationParameter.K, OperationParameter.WholeImage, OperationParameter.Filter],
        Answer = typeof(SearchResponse), Answered = "The nearest gallery images.", Problems = [400, 413, 415, 422, 503], Permission = Permissions.Read)]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "search")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var admission = await gate.AdmitAsync(request, Permissions.Read, Traffic.Upload, cancellationToken);
        if (admission.Refusal is not null)
            return admission.Refusal;
        using var lease = provider.Acquire();
        if (lease is null)
            return Problems.NoModel(provider);
        var model = lease.Model;
        var limits = options.Value;
        if (!ResultCount.TryParse(request.Query["k"], limits, out var k, out var error))
            return Problems.BadRequest(error!);
        var view = model.View.For(admission.Caller!.Tenant);
        var filter = FacetFilter.Parse(request.Query[FilterParameter], view, out error);
        if (error is not null)
            return Problems.BadRequest(error);

        var upload = await Upload.ReadAsync(request, limits, Upload.Kind.Image, cancellationToken);
        if (upload.Image is null)
            return upload.Failure!;
        var embedded = await images.EmbedAsync(model, upload.Image, ImageEmbedding.WholeImageAsked(request), cancellationToken);
        if (embedded.Vector is null)
            return embedded.Failure!;
        return await SearchAnswer.AnswerAsync(model, view, embedded.Vector, k, filter, embedded.Face, logger, cancellationToken);
    }
}
