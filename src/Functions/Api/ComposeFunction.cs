using System.Text.Json;
using FaceFunctions.Functions.Access;
using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Index;
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
public sealed class ComposeFunction(CallerGate gate, ModelProvider provider, ImageEmbedding images, IOptions<ServingOptions> options, ILogger<ComposeFunction> logger)
{
    [Function("ComposeForm")]
    [Operation("composeWithImage", ApiTag.Search,
        "Search with an uploaded image plus facet changes (\"this person, smiling\"): the image's vector, then the query's terms.",
        Request = RequestShape.ImageAndQuery, Parameters = [OperationParameter.WholeImage], Answer = typeof(SearchResponse),
        Answered = "The nearest gallery images.", Problems = [400, 413, 415, 422, 503], Permission = Permissions.Read)]
    public Task<IActionResult> RunForm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "compose/form")] HttpRequest request,
        CancellationToken cancellationToken) => Run(request, cancellationToken);

    [Function("Compose")]
    [Operation("compose", ApiTag.Search, "Search with a weighted sum of facet values, optionally added to a gallery image's vector.",
        Request = RequestShape.Query, Answer = typeof(SearchResponse), Answered = "The nearest gallery images.", Problems = [400, 413, 415, 503],
        Permission = Permissions.Read)]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "compose")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var admission = await gate.AdmitAsync(request, Permissions.Read, request.HasFormContentType ? Traffic.Upload : Traffic.Query, cancellationToken);
        if (admission.Refusal is not null)
            return admission.Refusal;
        using var lease = provider.Acquire();
        if (lease is null)
            return Problems.NoModel(provider);
        var model = lease.Model;
        var limits = options.Value;
        var upload = await Upload.ReadAsync(request, limits, Upload.Kind.QueryWithOptionalImage, cancellationToken);
        if (upload.Failure is not null)
            return upload.Failure;
        var image = upload.Image;
        var view = model.View.For(admission.Caller!.Tenant);
        var (query, problem) = await BindAsync(upload.Query ?? "{}"u8.ToArray(), view, limits, uploaded: image is not null, cancellationToken);
        if (query is null)
            return problem!;

        ReadOnlyMemory<float>? uploaded = null;
        FaceResult? face = null;
        if (image is not null)
        {
            var embedded = await images.EmbedAsync(model, image, ImageEmbedding.WholeImageAsked(request), cancellationToken);
            if (embedded.Vector is null)
                return embedded.Failure!;
            (uploaded, face) = (embedded.Vector, embedded.Face);
        }
        if (!VectorMath.TryCompose(query.Terms(uploaded), view.Dimensions, out var vector, out var whyNot))
            return Problems.BadRequest($"The query cannot be searched: {whyNot}.");
        return await SearchAnswer.AnswerAsync(model, view, vector, query.K, query.Filter, face, logger, cancellationToken);
    }

    /// <summary>The body as a <see cref="ComposeQuery"/>, checked against the gallery view (<see cref="QueryTerms"/>); or the problem.</summary>
    private static async Task<(QueryTerms? Terms, IActionResult? Problem)> BindAsync(byte[] body, GalleryView view, ServingOptions limits, bool uploaded,
        CancellationToken cancellationToken)
    {
        string? error;
        try
        {
            using var document = JsonBody.Parse(body);
            var query = ContractJson.Read<ComposeQuery>(document.RootElement, out var misfit);
            if (query is null)
                error = ComposeQuery.Explain(misfit!, view.FacetNames, limits.MaxK);
            else
            {
                var named = query.ImageId is { } id && !uploaded ? await view.FindAsync(id, cancellationToken) : null;
                if (QueryTerms.From(query, view, named?.Vector, limits, uploaded, out error) is { } terms)
                    return (terms, null);
            }
        }
        catch (JsonException e)
        {
            error = $"The query is not valid JSON: {e.Message}";
        }
        catch (GalleryUnavailableException)
        {
            return (null, Problems.IndexUnavailable());
        }
        return (null, Problems.BadRequest(error!));
    }
}
