// Every operation through the NSwag client generated into Generated/ (namespace FaceClient.NSwag, System.Text.Json).
using System.Text.Json;
using System.Text.Json.Nodes;
using FaceClient.NSwag;

var (baseUrl, jpegPath, imageId) = (args[0], args[1], args[2]);
using var http = new HttpClient();
// A signed-in app's access token (MSAL acquires it; here the caller passes it): every request carries it as a bearer token.
if (args.Length > 3)
    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", args[3]);
// The document names servers; the base address is the caller's choice.
var client = new FaceApiClient(http) { BaseUrl = baseUrl };
var report = new JsonObject();

var health = await client.HealthAsync();
report["health"] = health.ModelVersion;
var labels = await client.LabelsAsync();
report["facets"] = new JsonArray(labels.Facets.Select(f => (JsonNode)f.Name).ToArray());

static string Cell(SearchResult result) => $"{result.Labels["person"]}/{result.Labels["expression"]}";

foreach (var (name, happy, surprised) in new[] { ("composeHappy", 1.0, 0.05), ("composeSurprised", 0.05, 1.0) })
{
    var answer = await client.ComposeAsync(new ComposeQuery
    {
        Add = new FacetTerms { ["person"] = new FacetWeights { ["BM"] = 1 }, ["expression"] = new FacetWeights { ["HA"] = happy, ["SU"] = surprised } },
        K = 1,
    });
    report[name] = Cell(answer.Results.First());
}

using var image = await client.ImageAsync(imageId);
var png = new MemoryStream();
await image.Stream.CopyToAsync(png);
report["imagePng"] = png.ToArray().AsSpan().StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47 });

var withImage = await client.ComposeWithImageAsync(null, new FileParameter(new MemoryStream(png.ToArray()), "face.png", "image/png"), new ComposeQuery
{
    Subtract = new FacetTerms { ["expression"] = new FacetWeights { ["NE"] = 1 } },
    Add = new FacetTerms { ["expression"] = new FacetWeights { ["HA"] = 1 } },
    K = 3,
});
report["composeWithImage"] = Cell(withImage.Results.First());

await using (var jpeg = File.OpenRead(jpegPath))
{
    var found = await client.SearchAsync(3, null, null, new FileParameter(jpeg, "face.jpg", "image/jpeg"));
    report["searchJpeg"] = found.Results.First().Id;
    report["searchJpegCount"] = found.Results.Count;
}
var formFound = await client.SearchFormAsync(null, null, null, new FileParameter(new MemoryStream(png.ToArray()), "face.png", "image/png"));
report["searchForm"] = formFound.Results.First().Id;

// Filters: results only with the listed values.
var filtered = await client.ComposeAsync(new ComposeQuery
{
    Add = new FacetTerms { ["expression"] = new FacetWeights { ["HA"] = 1 } },
    Filter = new Dictionary<string, ICollection<string>> { ["person"] = ["BM"] },
    K = 5,
});
report["composeFiltered"] = new JsonArray(filtered.Results.Select(r => (JsonNode)Cell(r)).ToArray());
var searchFiltered = await client.SearchAsync(5, null, ["person:AK"], new FileParameter(new MemoryStream(png.ToArray()), "face.png", "image/png"));
report["searchFiltered"] = new JsonArray(searchFiltered.Results.Select(r => (JsonNode)Cell(r)).ToArray());

// The gallery: a page of the listing, then an image added with a new person's label, composed, and erased again,
// so that the gallery ends as it began.
var page = await client.ListGalleryAsync(["person:BM"], null, 2);
var nextPage = await client.ListGalleryAsync(["person:BM"], page.Next, 2);
report["galleryPages"] = new JsonArray(page.Images.Concat(nextPage.Images).Select(i => (JsonNode)i.Id).ToArray());
var added = await client.AddToGalleryFormAsync(null, new FileParameter(new MemoryStream(png.ToArray()), "face.png", "image/png"),
    new Dictionary<string, string> { ["person"] = "NEWCOMER", ["expression"] = "HA" }, "nswag-1");
// The new person's vector is its one image's: the image and the trained photo it copies answer first, equally.
var newcomer = await client.ComposeAsync(new ComposeQuery { Add = new FacetTerms { ["person"] = new FacetWeights { ["NEWCOMER"] = 1 } }, K = 2 });
report["added"] = new JsonObject
{
    ["id"] = added.Id, ["reference"] = added.Reference, ["composed"] = new JsonArray(newcomer.Results.Select(r => (JsonNode)r.Id).ToArray()),
    ["source"] = (await client.ListGalleryAsync(["person:NEWCOMER"], null, null)).Images.First().Source.ToString(),
};
var unlabelled = await client.AddToGalleryAsync(null, new FileParameter(new MemoryStream(png.ToArray()), "face.png", "image/png"));
await client.EraseFromGalleryAsync(added.Id);
await client.EraseFromGalleryAsync(unlabelled.Id);
try
{
    await client.ImageAsync(added.Id);
    report["erased"] = "still there";
}
catch (ApiException<ProblemDetails> problem)
{
    report["erased"] = problem.StatusCode;
}

var document = await client.OpenApiAsync();
report["openApi"] = document is not null;

try
{
    await client.SearchAsync(null, null, null, new FileParameter(new MemoryStream("not an image"u8.ToArray()), "x.png", "image/png"));
    report["unsupported"] = "no error";
}
catch (ApiException<ProblemDetails> problem)
{
    report["unsupported"] = new JsonObject { ["status"] = problem.Result.Status, ["httpStatus"] = problem.StatusCode, ["detail"] = problem.Result.Detail };
}
try
{
    await client.ComposeAsync(new ComposeQuery { Add = new FacetTerms { ["mood"] = new FacetWeights { ["HA"] = 1 } } });
    report["badFacet"] = "no error";
}
catch (ApiException<ProblemDetails> problem)
{
    report["badFacet"] = new JsonObject { ["status"] = problem.Result.Status, ["httpStatus"] = problem.StatusCode, ["detail"] = problem.Result.Detail };
}
Console.WriteLine(report.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
