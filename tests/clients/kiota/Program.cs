// Every operation through the Kiota client generated into Generated/ (namespace FaceClient.Kiota).
using System.Text.Json;
using System.Text.Json.Nodes;
using FaceClient.Kiota;
using FaceClient.Kiota.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;

var (baseUrl, jpegPath, imageId) = (args[0], args[1], args[2]);
// A signed-in app's access token (MSAL acquires it; here the caller passes it): every request carries it as a bearer token.
IAuthenticationProvider authentication = args.Length > 3 ? new BaseBearerTokenAuthenticationProvider(new SignedIn(args[3])) : new AnonymousAuthenticationProvider();
var adapter = new HttpClientRequestAdapter(authentication) { BaseUrl = baseUrl };
var client = new FaceApiClient(adapter);
var report = new JsonObject();

var health = await client.Api.Health.GetAsync();
report["health"] = health!.ModelVersion;
var labels = await client.Api.Labels.GetAsync();
report["facets"] = new JsonArray(labels!.Facets!.Select(f => (JsonNode)f.Name!).ToArray());

// Facet names are the model's data: terms are additional data, a value as a string or values with weights.
static UntypedObject Weights(params (string Value, double Weight)[] values) =>
    new(values.ToDictionary(v => v.Value, v => (UntypedNode)new UntypedDouble(v.Weight)));
static string Cell(SearchResult result) => $"{result.Labels!.AdditionalData["person"]}/{result.Labels.AdditionalData["expression"]}";

foreach (var (name, happy, surprised) in new[] { ("composeHappy", 1.0, 0.05), ("composeSurprised", 0.05, 1.0) })
{
    var answer = await client.Api.Compose.PostAsync(new ComposeQuery
    {
        Add = new FacetTerms { AdditionalData = { ["person"] = "BM", ["expression"] = Weights(("HA", happy), ("SU", surprised)) } },
        K = 1,
    });
    report[name] = Cell(answer!.Results![0]);
}

await using var png = await client.Api.Images[imageId].GetAsync();
var pngBytes = new MemoryStream();
await png!.CopyToAsync(pngBytes);
report["imagePng"] = pngBytes.ToArray().AsSpan().StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47 });

var form = new MultipartBody();
form.AddOrReplacePart("image", "image/png", new MemoryStream(pngBytes.ToArray()), "face.png");
form.AddOrReplacePart("query", "application/json", new ComposeQuery
{
    Subtract = new FacetTerms { AdditionalData = { ["expression"] = Weights(("NE", 1)) } },
    Add = new FacetTerms { AdditionalData = { ["expression"] = "HA" } },
    K = 3,
});
var withImage = await client.Api.Compose.Form.PostAsync(form);
report["composeWithImage"] = Cell(withImage!.Results![0]);

await using (var jpeg = File.OpenRead(jpegPath))
{
    var found = await client.Api.Search.PostAsync(jpeg, "image/jpeg", c => c.QueryParameters.K = 3);
    report["searchJpeg"] = found!.Results![0].Id;
    report["searchJpegCount"] = found.Results.Count;
}
var searchForm = new MultipartBody();
searchForm.AddOrReplacePart("image", "image/png", new MemoryStream(pngBytes.ToArray()), "face.png");
var formFound = await client.Api.Search.Form.PostAsync(searchForm);
report["searchForm"] = formFound!.Results![0].Id;

// Filters: results only with the listed values.
var filtered = await client.Api.Compose.PostAsync(new ComposeQuery
{
    Add = new FacetTerms { AdditionalData = { ["expression"] = "HA" } },
    Filter = new ComposeQuery_filter { AdditionalData = { ["person"] = new UntypedArray([new UntypedString("BM")]) } },
    K = 5,
});
report["composeFiltered"] = new JsonArray(filtered!.Results!.Select(r => (JsonNode)Cell(r)).ToArray());
var searchFiltered = await client.Api.Search.PostAsync(new MemoryStream(pngBytes.ToArray()), "image/png", c =>
{
    c.QueryParameters.K = 5;
    c.QueryParameters.Filter = ["person:AK"];
});
report["searchFiltered"] = new JsonArray(searchFiltered!.Results!.Select(r => (JsonNode)Cell(r)).ToArray());

// The gallery: a page of the listing, then an image added with a new person's label, composed, and erased again,
// so that the gallery ends as it began.
var page = await client.Api.Gallery.GetAsync(c =>
{
    c.QueryParameters.Limit = 2;
    c.QueryParameters.Filter = ["person:BM"];
});
var nextPage = await client.Api.Gallery.GetAsync(c =>
{
    c.QueryParameters.Limit = 2;
    c.QueryParameters.Filter = ["person:BM"];
    c.QueryParameters.After = page!.Next;
});
report["galleryPages"] = new JsonArray(page!.Images!.Concat(nextPage!.Images!).Select(i => (JsonNode)i.Id!).ToArray());
var addition = new MultipartBody();
addition.AddOrReplacePart("image", "image/png", new MemoryStream(pngBytes.ToArray()), "face.png");
addition.AddOrReplacePart("labels", "application/json", new UntypedObject(new Dictionary<string, UntypedNode>
{
    ["person"] = new UntypedString("NEWCOMER"), ["expression"] = new UntypedString("HA"),
}));
addition.AddOrReplacePart("reference", "text/plain", "kiota-1");
var added = await client.Api.Gallery.Form.PostAsync(addition);
// The new person's vector is its one image's: the image and the trained photo it copies answer first, equally.
var newcomer = await client.Api.Compose.PostAsync(new ComposeQuery { Add = new FacetTerms { AdditionalData = { ["person"] = "NEWCOMER" } }, K = 2 });
report["added"] = new JsonObject
{
    ["id"] = added!.Id, ["reference"] = added.Reference, ["composed"] = new JsonArray(newcomer!.Results!.Select(r => (JsonNode)r.Id!).ToArray()),
    ["source"] = (await client.Api.Gallery.GetAsync(c => c.QueryParameters.Filter = ["person:NEWCOMER"]))!.Images![0].Source?.ToString(),
};
var unlabelled = await client.Api.Gallery.PostAsync(new MemoryStream(pngBytes.ToArray()), "image/png");
await client.Api.Gallery[added.Id].DeleteAsync();
await client.Api.Gallery[unlabelled!.Id].DeleteAsync();
try
{
    await client.Api.Images[added.Id].GetAsync();
    report["erased"] = "still there";
}
catch (ProblemDetails problem)
{
    report["erased"] = problem.ResponseStatusCode;
}

var document = await client.Api.OpenapiJson.GetAsync();
report["openApi"] = document is not null;

try
{
    await client.Api.Search.PostAsync(new MemoryStream("not an image"u8.ToArray()), "image/png");
    report["unsupported"] = "no error";
}
catch (ProblemDetails problem)
{
    report["unsupported"] = new JsonObject { ["status"] = problem.Status, ["httpStatus"] = problem.ResponseStatusCode, ["detail"] = problem.Detail };
}
try
{
    await client.Api.Compose.PostAsync(new ComposeQuery { Add = new FacetTerms { AdditionalData = { ["mood"] = "HA" } } });
    report["badFacet"] = "no error";
}
catch (ProblemDetails problem)
{
    report["badFacet"] = new JsonObject { ["status"] = problem.Status, ["httpStatus"] = problem.ResponseStatusCode, ["detail"] = problem.Detail };
}
Console.WriteLine(report.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));

/// <summary>The app's token for the API's host; an app would ask MSAL's AcquireTokenSilent here.</summary>
sealed class SignedIn(string token) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new();

    public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
        CancellationToken cancellationToken = default) => Task.FromResult(token);
}
