using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// GET /api/openapi.json: the OpenAPI 3.0 description of the API (<see cref="OpenApiDocument"/>), for generating
/// clients; its limits (k) are the ones this deployment's settings enforce.
/// </summary>
public sealed class OpenApiFunction(IOptions<ServingOptions> options, IOptions<Access.AccessOptions> access)
{
    private readonly string _document = OpenApiDocument.Build(options.Value, access.Value).ToJsonString();

    [Function("OpenApi")]
    [Operation("openApi", ApiTag.Service, "This document.", Answer = typeof(System.Text.Json.Nodes.JsonObject), Answered = "OpenAPI 3.0 JSON.")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        new ContentResult { Content = _document, ContentType = "application/json", StatusCode = StatusCodes.Status200OK };
}
