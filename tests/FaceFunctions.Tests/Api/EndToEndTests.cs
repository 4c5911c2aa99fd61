using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Datasets;
using Xunit;

namespace FaceFunctions.Tests.Api;

[Collection(ServiceCollection.Name)]
public sealed class EndToEndTests(ServiceFixture service)
{
    private HttpClient Client => service.Client;

    [Fact]
    public async Task Training_writes_a_checked_model_folder_with_the_seed_protocol()
    {
        foreach (var name in new[] { ArtifactNames.Model, ArtifactNames.Manifest, ArtifactNames.Report, "loss.png", "dataset.png" })
            Assert.True(File.Exists(Path.Combine(service.ModelFolder, name)), name);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(service.ModelFolder, ArtifactNames.Report)));
        var seed = report.RootElement.GetProperty("seed_protocol");
        Assert.Equal(8 * 7, seed.GetProperty("queries").GetInt32());
        Assert.InRange(seed.GetProperty("top1").GetDouble(), 0, 1);
        Assert.InRange(seed.GetProperty("chance").GetDouble(), 0, 1);
        var unseen = report.RootElement.GetProperty("unseen_images");
        Assert.True(unseen.GetProperty("top1").GetDouble() > 0.5, "unseen images: most cells found");
        Assert.True(unseen.GetProperty("chance").GetDouble() < 0.2, "unseen images: chance stays low");
        Assert.True(report.RootElement.GetProperty("transform").TryGetProperty("top1", out _));
        Assert.True(report.RootElement.GetProperty("untrained").GetProperty("seed_protocol").TryGetProperty("top1", out _));
        Assert.Contains("not run", report.RootElement.GetProperty("unseen_combinations").GetProperty("note").GetString());
        Assert.True(service.Report.Export.MaxAbsDifference <= 1e-4);
        foreach (var name in new[] { "retrieval.png", "map-person.png", "map-expression.png" })
            Assert.True(File.Exists(Path.Combine(service.ModelFolder, name)), name);
    }

    [Fact]
    public async Task Health_and_labels_describe_the_published_model()
    {
        var health = await ServiceFixture.GetJsonAsync(await Client.GetAsync("/api/health"));
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(service.Report.Version, health.GetProperty("modelVersion").GetString());
        Assert.Equal(8 * 7 * 2, health.GetProperty("galleryCount").GetInt32());

        var labels = await ServiceFixture.GetJsonAsync(await Client.GetAsync("/api/labels"));
        var facets = labels.GetProperty("facets").EnumerateArray().ToList();
        Assert.Equal(["person", "expression"], facets.Select(f => f.GetProperty("name").GetString()));
        Assert.Equal(SyntheticFaces.ExpressionCodes,
            facets[1].GetProperty("values").EnumerateArray().Select(v => v.GetProperty("value").GetString()));
    }

    [Fact]
    public async Task Compose_finds_the_asked_cell_for_most_cells()
    {
        var persons = SyntheticFaces.PersonCodes.Take(ServiceFixture.Faces.Persons).ToList();
        int cells = 0, exact = 0, personRight = 0;
        foreach (var person in persons)
        foreach (var expression in SyntheticFaces.ExpressionCodes)
        {
            var answer = await ServiceFixture.GetJsonAsync(await Client.PostAsJsonAsync("/api/compose",
                new { add = new { person, expression }, k = 1 }));
            var top = answer.GetProperty("results")[0].GetProperty("labels");
            cells++;
            personRight += top.GetProperty("person").GetString() == person ? 1 : 0;
            exact += top.GetProperty("person").GetString() == person && top.GetProperty("expression").GetString() == expression ? 1 : 0;
        }
        // Chance is 1 in 56 cells (one person in 8).
        Assert.True(personRight > cells * 3 / 4, $"person right in {personRight} of {cells} cells");
        Assert.True(exact > cells / 2, $"exact cell in {exact} of {cells} cells (chance: 1)");
    }

    [Fact]
    public async Task Search_with_a_gallery_image_returns_that_image_first()
    {
        var gallery = ModelJson.Deserialize<List<GalleryEntry>>(
            new BinaryData(await File.ReadAllBytesAsync(Path.Combine(service.ModelFolder, ArtifactNames.Gallery))), "gallery");
        foreach (var entry in gallery.Where((_, i) => i % 23 == 0))
        {
            var png = await Client.GetByteArrayAsync($"/api/images/{entry.Id}");
            using var content = new ByteArrayContent(png);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            var answer = await ServiceFixture.GetJsonAsync(await Client.PostAsync("/api/search?k=3", content));
            var results = answer.GetProperty("results");
            Assert.Equal(3, results.GetArrayLength());
            Assert.Equal(entry.Id, results[0].GetProperty("id").GetString());
            Assert.True(results[0].GetProperty("score").GetSingle() > 0.999f);
        }
    }

    [Fact]
    public async Task Search_accepts_a_multipart_form()
    {
        var entry = (await ServiceFixture.GetJsonAsync(await Client.PostAsJsonAsync("/api/compose", new { add = new { person = "AK" }, k = 1 })))
            .GetProperty("results")[0].GetProperty("id").GetString()!;
        var png = await Client.GetByteArrayAsync($"/api/images/{entry}");
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "image", "face.png");
        var answer = await ServiceFixture.GetJsonAsync(await Client.PostAsync("/api/search", form));
        Assert.Equal(entry, answer.GetProperty("results")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Compose_with_an_image_minus_its_expression_plus_another_lands_on_the_target_expression()
    {
        var answer = await ServiceFixture.GetJsonAsync(await Client.PostAsJsonAsync("/api/compose",
            new { imageId = "AK.NE1.9", subtract = new { expression = "NE" }, add = new { expression = "HA" }, k = 5 }));
        var results = answer.GetProperty("results");
        Assert.Equal(5, results.GetArrayLength());
        Assert.Equal(("AK", "HA"), Cell(results[0]));
    }

    /// <summary>A result's person and expression.</summary>
    private static (string?, string?) Cell(JsonElement result) =>
        (result.GetProperty("labels").GetProperty("person").GetString(), result.GetProperty("labels").GetProperty("expression").GetString());

    [Fact]
    public async Task Filters_keep_only_results_with_the_listed_values_on_compose_and_search()
    {
        var composed = await ServiceFixture.GetJsonAsync(await Client.PostAsJsonAsync("/api/compose",
            new { add = new { expression = "HA" }, filter = new Dictionary<string, string[]> { ["person"] = ["BM", "CH"] }, k = 10 }));
        var cells = composed.GetProperty("results").EnumerateArray().Select(Cell).ToList();
        Assert.Equal(10, cells.Count);
        Assert.All(cells, c => Assert.Contains(c.Item1, new[] { "BM", "CH" }));
        Assert.Equal("HA", cells[0].Item2);

        var png = await Client.GetByteArrayAsync("/api/images/AK.NE1.9");
        var found = await ServiceFixture.GetJsonAsync(await PostImageAsync("image/png", png, "?k=20&filter=expression:SU,AN&filter=person:AK,BM"));
        var hits = found.GetProperty("results").EnumerateArray().Select(Cell).ToList();
        // Two persons x two expressions x two variants: eight images pass, fewer than k.
        Assert.Equal(8, hits.Count);
        Assert.All(hits, c => Assert.True(c.Item1 is "AK" or "BM" && c.Item2 is "SU" or "AN", c.ToString()));
        Assert.Equal("AK", hits[0].Item1);
    }

    [Fact]
    public async Task Compose_takes_weights_and_a_heavier_weight_pulls_harder()
    {
        async Task<string> TopExpression(double happy, double surprised)
        {
            var answer = await ServiceFixture.GetJsonAsync(await Client.PostAsJsonAsync("/api/compose",
                new { add = new { person = "BM", expression = new Dictionary<string, double> { ["HA"] = happy, ["SU"] = surprised } }, k = 1 }));
            return answer.GetProperty("results")[0].GetProperty("labels").GetProperty("expression").GetString()!;
        }
        Assert.Equal("HA", await TopExpression(1.0, 0.05));
        Assert.Equal("SU", await TopExpression(0.05, 1.0));
    }

    [Fact]
    public async Task Compose_takes_an_uploaded_image_with_facet_changes()
    {
        var png = await Client.GetByteArrayAsync("/api/images/AK.NE1.9");
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "image", "face.png");
        form.Add(new StringContent("""{"subtractPredicted": ["expression"], "add": {"expression": "SU"}, "k": 3}"""), "query");
        using var response = await Client.PostAsync("/api/compose", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await ServiceFixture.GetJsonAsync(response)).GetProperty("results");
        Assert.Equal(3, results.GetArrayLength());
        // Its predicted expression taken away is the one it shows (neutral): the answer is the explicit transform's,
        // and lands on surprise.
        var explicitTransform = (await ServiceFixture.GetJsonAsync(await Client.PostAsJsonAsync("/api/compose",
            new { imageId = "AK.NE1.9", subtract = new { expression = "NE" }, add = new { expression = "SU" }, k = 3 }))).GetProperty("results");
        Assert.Equal(explicitTransform.EnumerateArray().Select(r => r.GetProperty("id").GetString()),
            results.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal("SU", Cell(results[0]).Item2);

        using var bare = new MultipartFormDataContent { { new StringContent("{}"), "query" } };
        await AssertProblemAsync(await Client.PostAsync("/api/compose", bare), HttpStatusCode.BadRequest, "no file field 'image'");
        using var both = new MultipartFormDataContent { { new ByteArrayContent(png), "image", "a.png" }, { new StringContent("""{"imageId": "AK.NE1.9"}"""), "query" } };
        await AssertProblemAsync(await Client.PostAsync("/api/compose", both), HttpStatusCode.BadRequest, "not both");
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadComposeRequests => new()
    {
        { "application/json", "{not json", HttpStatusCode.BadRequest, "not valid JSON" },
        // Binding would keep the last of a member named twice: 17 copies of one value would pass 16 terms as one.
        { "application/json", """{"add": {"expression": {"HA": 1, "HA": 1}}}""", HttpStatusCode.BadRequest, "add.expression.HA appears more than once" },
        { "application/json", """{"add": {"person": "AK"}, "add": {"person": "BM"}}""", HttpStatusCode.BadRequest, "The member add appears more than once" },
        { "application/json", """{"add": {"person": "AK"}, "filter": {"person": ["AK"], "person": ["BM"]}}""", HttpStatusCode.BadRequest, "filter.person appears more than once" },
        { "application/json", "[1,2]", HttpStatusCode.BadRequest, "JSON object" },
        { "application/json", """{"add": {"mood": "HA"}}""", HttpStatusCode.BadRequest, "Unknown facet 'mood'" },
        { "application/json", """{"add": {"expression": "XX"}}""", HttpStatusCode.BadRequest, "values: AN, DI" },
        { "application/json", """{"add": {"person": "AK"}, "k": 0}""", HttpStatusCode.BadRequest, "k must be" },
        { "application/json", """{"add": {"person": "AK"}, "k": 101}""", HttpStatusCode.BadRequest, "k must be" },
        { "application/json", """{"add": {"person": "AK"}, "k": "x"}""", HttpStatusCode.BadRequest, "k must be" },
        { "application/json", """{"imageId": "nobody"}""", HttpStatusCode.BadRequest, "not the id" },
        { "application/json", """{"subtract": {"person": "AK"}}""", HttpStatusCode.BadRequest, "Nothing to search" },
        { "application/json", """{"add": {"person": "AK"}, "colour": 1}""", HttpStatusCode.BadRequest, "Unknown property" },
        { "text/plain", "person=AK", HttpStatusCode.UnsupportedMediaType, "application/json" },
        { "application/json", """{"add": {"expression": {"HA": -1}}}""", HttpStatusCode.BadRequest, "positive number" },
        { "application/json", """{"add": {"expression": {"HA": "x"}}}""", HttpStatusCode.BadRequest, "positive number" },
        { "application/json", """{"add": {"expression": 3}}""", HttpStatusCode.BadRequest, "takes a value" },
        { "application/json", """{"add": {"person": "AK"}, "subtractPredicted": ["expression"]}""", HttpStatusCode.BadRequest, "needs an image" },
        { "application/json", """{"add": {"person": "\ud800"}}""", HttpStatusCode.BadRequest, "not valid Unicode" },
        { "application/json", """{"add": {"\udc00": "AK"}}""", HttpStatusCode.BadRequest, "not valid Unicode" },
        { "application/json", """{"add": {"person": "AK"}, "subtract": {"person": "AK"}}""", HttpStatusCode.BadRequest, "cancel" },
        { "application/json", """{"add": {"expression": {"HA": 0.5, "SU": 0.5}}, "subtract": {"expression": {"HA": 0.5, "SU": 0.5}}}""", HttpStatusCode.BadRequest, "cancel" },
        { "application/json", """{"imageId": "AK.NE1.9", "subtractPredicted": ["mood"]}""", HttpStatusCode.BadRequest, "array of facet names" },
        { "application/json", """{"add": {"person": "AK"}, "filter": ["AK"]}""", HttpStatusCode.BadRequest, "'filter' must be an object" },
        { "application/json", """{"add": {"person": "AK"}, "filter": {"mood": ["HA"]}}""", HttpStatusCode.BadRequest, "Unknown facet 'mood' in the filter" },
        { "application/json", """{"add": {"person": "AK"}, "filter": {"expression": ["XX"]}}""", HttpStatusCode.BadRequest, "Unknown value \"XX\"" },
        { "application/json", """{"add": {"person": "AK"}, "filter": {"expression": []}}""", HttpStatusCode.BadRequest, "one or more values" },
        { "application/json", """{"add": {"person": "AK"}, "filter": {"expression": [1]}}""", HttpStatusCode.BadRequest, "one or more values" },
        { "application/json", """{"add": {"person": "AK"}, "filter": {}}""", HttpStatusCode.BadRequest, "names no facet" },
        { "application/json", """{"add": {"expression": {"AN": 1, "DI": 1, "FE": 1, "HA": 1, "NE": 1, "SA": 1, "SU": 1}, "person": {"AK": 1, "BM": 1, "CH": 1, "DL": 1, "EN": 1, "FR": 1, "GS": 1, "HT": 1}}, "subtract": {"person": "AK", "expression": "HA"}}""", HttpStatusCode.BadRequest, "at most 16 terms" },
    };

    [Theory]
    [MemberData(nameof(BadComposeRequests))]
    public async Task Bad_compose_requests_get_problem_details(string contentType, string body, HttpStatusCode status, string says)
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await Client.PostAsync("/api/compose", content);
        await AssertProblemAsync(response, status, says);
    }

    [Fact]
    public async Task Bad_search_requests_get_problem_details()
    {
        await AssertProblemAsync(await PostImageAsync("image/png", Encoding.UTF8.GetBytes("this is text, not a png")),
            HttpStatusCode.UnsupportedMediaType, "supported format");
        var png = await Client.GetByteArrayAsync("/api/images/AK.NE1.9");
        await AssertProblemAsync(await PostImageAsync("image/png", png[..(png.Length / 2)]), HttpStatusCode.BadRequest, "cannot be decoded");
        await AssertProblemAsync(await PostImageAsync("image/png", []), HttpStatusCode.BadRequest, "empty");
        await AssertProblemAsync(await PostImageAsync("image/png", new byte[ServiceFixture.MaxRequestBytes + 1]), HttpStatusCode.RequestEntityTooLarge, "at most");
        await AssertProblemAsync(await PostImageAsync("application/json", png), HttpStatusCode.UnsupportedMediaType, "multipart");
        await AssertProblemAsync(await PostImageAsync("image/png", png, "?k=0"), HttpStatusCode.BadRequest, "k must be");
        await AssertProblemAsync(await PostImageAsync("image/png", png, "?filter=person"), HttpStatusCode.BadRequest, "facet:value");
        await AssertProblemAsync(await PostImageAsync("image/png", png, "?filter=mood:HA"), HttpStatusCode.BadRequest, "Unknown facet 'mood'");
        await AssertProblemAsync(await PostImageAsync("image/png", png, "?filter=person:AK&filter=person:BM"), HttpStatusCode.BadRequest, "twice");
        await AssertProblemAsync(await Client.GetAsync("/api/images/nobody"), HttpStatusCode.NotFound, "nobody");
        // The service keeps serving after all of that.
        Assert.Equal(HttpStatusCode.OK, (await PostImageAsync("image/png", png)).StatusCode);
    }

    [Fact]
    public async Task Invalid_utf8_in_a_json_body_is_a_bad_request()
    {
        using var content = new ByteArrayContent([.. "{\"add\": {\"person\": \""u8, 0xC3, 0x28, .. "\"}}"u8]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await AssertProblemAsync(await Client.PostAsync("/api/compose", content), HttpStatusCode.BadRequest, "not valid");
    }

    [Fact]
    public async Task Huge_and_tiny_weights_compose_as_weight_1_does()
    {
        async Task<string> TopAsync(object query)
        {
            using var response = await Client.PostAsJsonAsync("/api/compose", query);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            return (await ServiceFixture.GetJsonAsync(response)).GetProperty("results")[0].GetProperty("id").GetString()!;
        }
        var plain = await TopAsync(new { add = new { person = "BM", expression = "SU" }, k = 1 });
        Assert.Equal(plain, await TopAsync(new { add = new { person = new Dictionary<string, double> { ["BM"] = 3e38 }, expression = new Dictionary<string, double> { ["SU"] = 3e38 } }, k = 1 }));
        Assert.Equal(plain, await TopAsync(new { add = new { person = new Dictionary<string, double> { ["BM"] = 1e-45 }, expression = new Dictionary<string, double> { ["SU"] = 1e-45 } }, k = 1 }));
    }

    public static TheoryData<string, string, string> MalformedForms => new()
    {
        { "/api/compose", "multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nabc" },
        { "/api/compose", "multipart/form-data; boundary=XYZ", "this is not a multipart body at all" },
        { "/api/compose", "multipart/form-data", "--XYZ\r\n\r\n--XYZ--" },
        { "/api/search", "multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n\u0089PNG" },
        { "/api/search", "multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data\r\nbroken header line\r\n\r\nabc\r\n--XYZ--" },
    };

    [Theory]
    [MemberData(nameof(MalformedForms))]
    public async Task A_malformed_or_cut_multipart_body_is_a_bad_request(string route, string contentType, string body)
    {
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await Client.PostAsync(route, content);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "");
    }

    public static TheoryData<string, byte[], HttpStatusCode> HostileUploads => new()
    {
        { "image/tiff", "II*\0\b\0\0\0"u8.ToArray(), HttpStatusCode.BadRequest },
        { "image/bmp", Imaging.HostileImages.Bmp(70000, 1), HttpStatusCode.BadRequest },
        { "image/x-portable-graymap", "P5\n4 4\n0\n"u8.ToArray().Concat(new byte[16]).ToArray(), HttpStatusCode.UnsupportedMediaType },
        { "image/tiff", Imaging.HostileImages.Tiff((8, 8, new byte[64]), (20000, 20000, new byte[64])), HttpStatusCode.OK },
        { "image/png", Imaging.HostileImages.PngHeader(20000, 20000), HttpStatusCode.RequestEntityTooLarge },
    };

    [Theory]
    [MemberData(nameof(HostileUploads))]
    public async Task Images_the_decoder_cannot_use_get_a_problem_not_a_500(string contentType, byte[] image, HttpStatusCode status)
    {
        // Blank or tiny images hold no face: the whole image is asked for, so that decoding alone is what is tested.
        using var response = await PostImageAsync(contentType, image, "?wholeImage=true");
        if (status == HttpStatusCode.OK)
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        else
            await AssertProblemAsync(response, status, "");
    }

    [Fact]
    public async Task The_accepted_formats_are_the_same_in_the_code_the_readme_and_openapi()
    {
        var openApi = await Client.GetStringAsync("/api/openapi.json");
        Assert.Contains(ImageDecoder.AcceptedFormats, openApi);
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"));
        Assert.Contains($"Images are {ImageDecoder.AcceptedFormats} (WebP, PBM and the rest get 415)", readme.ReplaceLineEndings(" "));
    }

    [Fact]
    public async Task The_web_stacks_own_answers_are_problem_details()
    {
        await AssertProblemAsync(await Client.GetAsync("/api/no-such-route"), HttpStatusCode.NotFound, "");
        await AssertProblemAsync(await Client.DeleteAsync("/api/compose"), HttpStatusCode.MethodNotAllowed, "");
    }

    private async Task<HttpResponseMessage> PostImageAsync(string contentType, byte[] body, string query = "")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await Client.PostAsync("/api/search" + query, content);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string says)
    {
        Assert.True(status == response.StatusCode, $"{status} expected, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (says.Length > 0)
            Assert.Contains(says, problem.GetProperty("detail").GetString());
    }
}
