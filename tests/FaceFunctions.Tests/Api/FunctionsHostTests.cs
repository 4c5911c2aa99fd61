using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FaceFunctions.Tests.Infrastructure;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace FaceFunctions.Tests.Api;

/// <summary>
/// The Functions host over the service fixture's Azurite and model, started once for these tests. IAsyncLifetime, not
/// IAsyncDisposable: xUnit 2 disposes fixtures through it, and the host process would outlive the run otherwise.
/// </summary>
public sealed class FunctionsHostFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private FunctionsHost? _host;

    public async Task<FunctionsHost> HostAsync(ServiceFixture service)
    {
        await _gate.WaitAsync();
        try
        {
            return _host ??= await FunctionsHost.StartAsync(new Dictionary<string, string>
            {
                ["Storage:ConnectionString"] = service.ConnectionString,
                ["Serving:MaxRequestBytes"] = ServiceFixture.MaxRequestBytes.ToString(),
            });
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

/// <summary>
/// The function app under the real Azure Functions host: the same answers as the local host for one table of
/// requests (every route, every class of bad input, conditional image requests), the host's own answers where they
/// differ (docs/hosting.md). Who may call is AccessTests' concern, under both hosts.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class FunctionsHostTests(ServiceFixture service, FunctionsHostFixture fixture) : IClassFixture<FunctionsHostFixture>
{
    private const string ImageId = "AK.NE1.9";

    /// <summary>One request of the conformance table; the body is made anew for each host.</summary>
    public sealed record Probe(string Name, HttpMethod Method, string Path, Func<HttpContent?> Body, string? IfNoneMatch = null);

    private async Task<IReadOnlyList<Probe>> TableAsync()
    {
        var png = await service.Client.GetByteArrayAsync($"/api/images/{ImageId}");
        using var image = await service.Client.GetAsync($"/api/images/{ImageId}");
        var etag = image.Headers.ETag!.Tag;
        HttpContent Bytes(byte[] bytes, string type) => new ByteArrayContent(bytes) { Headers = { ContentType = MediaTypeHeaderValue.Parse(type) } };
        HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");
        HttpContent Labelled(string labels) => new MultipartFormDataContent { { Bytes(png, "image/png"), "image", "face.png" }, { Json(labels), "labels" } };
        HttpContent Form(string? query) => query is null
            ? new MultipartFormDataContent { { Bytes(png, "image/png"), "image", "face.png" } }
            : new MultipartFormDataContent { { Bytes(png, "image/png"), "image", "face.png" }, { Json(query), "query" } };
        return
        [
            new("health", HttpMethod.Get, "/api/health", () => null),
            new("labels", HttpMethod.Get, "/api/labels", () => null),
            new("openapi", HttpMethod.Get, "/api/openapi.json", () => null),
            new("compose", HttpMethod.Post, "/api/compose", () => Json("""{"add": {"person": "AK", "expression": {"HA": 2, "SU": 1}}, "k": 3}""")),
            new("compose image id", HttpMethod.Post, "/api/compose", () => Json($$$"""{"imageId": "{{{ImageId}}}", "subtract": {"expression": "NE"}, "add": {"expression": "HA"}}""")),
            new("compose form", HttpMethod.Post, "/api/compose/form", () => Form("""{"subtractPredicted": ["expression"], "add": {"expression": "SU"}}""")),
            new("compose bad json", HttpMethod.Post, "/api/compose", () => Json("{\"add\": ")),
            new("compose unknown facet", HttpMethod.Post, "/api/compose", () => Json("""{"add": {"mood": "HA"}}""")),
            new("compose duplicate member", HttpMethod.Post, "/api/compose", () => Json("""{"add": {"expression": {"HA": 1, "HA": 1}}}""")),
            new("compose text", HttpMethod.Post, "/api/compose", () => new StringContent("add person AK")),
            new("compose cancelling terms", HttpMethod.Post, "/api/compose", () => Json("""{"add": {"person": "AK"}, "subtract": {"person": "AK"}}""")),
            new("search png", HttpMethod.Post, "/api/search?k=4", () => Bytes(png, "image/png")),
            new("search filtered", HttpMethod.Post, "/api/search?filter=expression:SU,AN&filter=person:AK", () => Bytes(png, "image/png")),
            new("search bad filter", HttpMethod.Post, "/api/search?filter=mood:HA", () => Bytes(png, "image/png")),
            new("compose filtered", HttpMethod.Post, "/api/compose", () => Json("""{"add": {"expression": "HA"}, "filter": {"person": ["BM"]}}""")),
            new("search form", HttpMethod.Post, "/api/search/form", () => Form(null)),
            new("search bad k", HttpMethod.Post, "/api/search?k=0", () => Bytes(png, "image/png")),
            new("search not an image", HttpMethod.Post, "/api/search", () => Bytes("not an image"u8.ToArray(), "image/png")),
            new("search text type", HttpMethod.Post, "/api/search", () => new StringContent("hello")),
            new("search truncated png", HttpMethod.Post, "/api/search", () => Bytes(png[..(png.Length / 2)], "image/png")),
            new("search too large", HttpMethod.Post, "/api/search", () => Bytes(new byte[ServiceFixture.MaxRequestBytes + 1], "image/png")),
            new("search no face", HttpMethod.Post, "/api/search", () => Bytes(GrayPng(), "image/png")),
            new("search form without image", HttpMethod.Post, "/api/search/form", () => new MultipartFormDataContent { { Json("{}"), "query" } }),
            new("image", HttpMethod.Get, $"/api/images/{ImageId}", () => null),
            new("image not modified", HttpMethod.Get, $"/api/images/{ImageId}", () => null, etag),
            new("image unknown", HttpMethod.Get, "/api/images/nobody", () => null),
            // The gallery's routes without changing it: listings and every refused addition or erasure.
            new("gallery list", HttpMethod.Get, "/api/gallery?limit=3&filter=person:BM", () => null),
            new("gallery list next page", HttpMethod.Get, "/api/gallery?limit=2&after=t5", () => null),
            new("gallery list bad cursor", HttpMethod.Get, "/api/gallery?after=x1", () => null),
            new("gallery list bad limit", HttpMethod.Get, "/api/gallery?limit=0", () => null),
            new("gallery add text type", HttpMethod.Post, "/api/gallery", () => new StringContent("hello")),
            new("gallery add not an image", HttpMethod.Post, "/api/gallery", () => Bytes("not an image"u8.ToArray(), "image/png")),
            new("gallery add too large", HttpMethod.Post, "/api/gallery", () => Bytes(new byte[ServiceFixture.MaxRequestBytes + 1], "image/png")),
            new("gallery add labels not json", HttpMethod.Post, "/api/gallery/form", () => Labelled("{\"person\": ")),
            new("gallery add unknown facet", HttpMethod.Post, "/api/gallery/form", () => Labelled("""{"mood": "HA"}""")),
            new("gallery add duplicate label", HttpMethod.Post, "/api/gallery/form", () => Labelled("""{"person": "AK", "person": "BM"}""")),
            new("gallery add value with comma", HttpMethod.Post, "/api/gallery/form", () => Labelled("""{"person": "A,B"}""")),
            new("gallery erase unknown", HttpMethod.Delete, "/api/gallery/nobody", () => null),
        ];
    }

    private static byte[] GrayPng()
    {
        using var image = new Image<Rgb24>(96, 96, new Rgb24(128, 128, 128));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>Status, media type and body; health's load time differs between two processes and is left out.</summary>
    private static async Task<string> AnswerAsync(HttpClient client, Probe probe, string? key)
    {
        using var request = new HttpRequestMessage(probe.Method, probe.Path) { Content = probe.Body() };
        if (key is not null) request.Headers.Add("x-functions-key", key);
        if (probe.IfNoneMatch is not null) request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(probe.IfNoneMatch));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        var text = response.Content.Headers.ContentType?.MediaType switch
        {
            "image/png" => $"png {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))} etag {response.Headers.ETag}",
            _ when probe.Name == "health" => WithoutLoadTime(body),
            _ => Encoding.UTF8.GetString(body),
        };
        return $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {text}";
    }

    /// <summary>The part of <paramref name="text"/> around its first difference from <paramref name="other"/>.</summary>
    private static string Around(string text, string other)
    {
        var at = text.Zip(other).TakeWhile(p => p.First == p.Second).Count();
        var from = Math.Max(0, at - 80);
        return $"[{at}] ...{text[from..Math.Min(text.Length, at + 160)]}";
    }

    private static string WithoutLoadTime(byte[] body)
    {
        var health = JsonNode.Parse(body)!.AsObject();
        health.Remove("loadedAtUtc");
        return health.ToJsonString();
    }

    [Fact]
    public async Task Every_request_of_the_table_gets_the_same_answer_from_the_functions_host_as_from_the_local_host()
    {
        var host = await fixture.HostAsync(service);
        var differences = new List<string>();
        foreach (var probe in await TableAsync())
        {
            var local = await AnswerAsync(service.Client, probe, key: null);
            var functions = await AnswerAsync(host.Client, probe, host.Keys.Writer);
            if (local != functions)
                differences.Add($"{probe.Name}:\n  local     {Around(local, functions)}\n  functions {Around(functions, local)}");
        }
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Fact]
    public async Task Where_the_hosts_differ_the_functions_host_answers_itself_as_documented()
    {
        var host = await fixture.HostAsync(service);
        async Task<(HttpStatusCode, long?)> Answer(HttpClient client, HttpMethod method, string path, string? key)
        {
            using var request = new HttpRequestMessage(method, path);
            if (key is not null) request.Headers.Add("x-functions-key", key);
            using var response = await client.SendAsync(request);
            return (response.StatusCode, (await response.Content.ReadAsByteArrayAsync()).Length);
        }
        // A known route with another method: the Functions host's own empty 404, the local host's 405.
        Assert.Equal((HttpStatusCode.NotFound, 0L), await Answer(host.Client, HttpMethod.Delete, "/api/labels", host.Keys.Writer));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await Answer(service.Client, HttpMethod.Delete, "/api/labels", null)).Item1);
        // An unknown route: empty from the Functions host, problem details from the local host.
        Assert.Equal((HttpStatusCode.NotFound, 0L), await Answer(host.Client, HttpMethod.Get, "/api/nothing", host.Keys.Writer));
        Assert.NotEqual(0L, (await Answer(service.Client, HttpMethod.Get, "/api/nothing", null)).Item2);
        // The Functions host serves its own page at the root.
        Assert.Equal(HttpStatusCode.OK, (await Answer(host.Client, HttpMethod.Get, "/", null)).Item1);
    }

    [Fact]
    public async Task The_deployments_smoke_test_passes_with_a_function_key_and_fails_with_a_wrong_one()
    {
        // scripts/sample-queries.mjs is what the workflow runs against a new deployment (.github/workflows/ci.yml).
        var host = await fixture.HostAsync(service);
        var script = Path.Combine(RepositoryPaths.Root, "scripts", "sample-queries.mjs");
        string[] args = [script, host.Client.BaseAddress!.ToString().TrimEnd('/'), "--check-answers"];
        var passed = await ProcessRunner.RunAsync("node", args, TimeSpan.FromMinutes(2), environment: new Dictionary<string, string> { ["FUNCTIONS_KEY"] = host.Keys.Reader });
        Assert.True(passed.ExitCode == 0, passed.ToString());
        Assert.Contains("POST /api/search with the image of", passed.Output);
        var refused = await ProcessRunner.RunAsync("node", args, TimeSpan.FromMinutes(2), environment: new Dictionary<string, string> { ["FUNCTIONS_KEY"] = "not-a-key" });
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("GET /api/labels: 401, expected 200", refused.Error);
    }
}
