using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FaceFunctions.Tests.Api;
using FaceFunctions.Tests.Infrastructure;
using Xunit;
using static FaceFunctions.Tests.Gallery.GalleryClient;

namespace FaceFunctions.Tests.Access;

/// <summary>The credentials of the access table's columns.</summary>
public enum Credential
{
    None,
    ReadToken,
    WriteToken,
    OtherTenantToken,
    ReadKey,
    WriteKey,
    WriteKeyInQuery,
    ExpiredToken,
    ForgedToken,
}

/// <summary>
/// Every route's answer to every kind of credential, under both hosts: the table docs/access.md shows is this one.
/// Tokens come from the tests' own issuer over HTTP (<see cref="TokenIssuer"/>); the requests change nothing a later
/// row relies on (refused additions, erasures of nothing).
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class AccessTests(ServiceFixture service, AccessFixture fixture) : IClassFixture<AccessFixture>
{
    private const string TrainedId = "AK.NE1.9";
    private const string Read = "Gallery.Read";
    private const string ReadWrite = "Gallery.Read Gallery.Write";

    /// <summary>A row: the route, how to call it, and the status for each <see cref="Credential"/> in order.</summary>
    public sealed record Row(string Route, HttpMethod Method, string Path, Func<HttpContent?> Body, int[] Statuses);

    private static int[] Public => [200, 200, 200, 200, 200, 200, 200, 200, 200];
    private static int[] Reading => [401, 200, 200, 200, 200, 200, 200, 401, 401];
    private static int[] Writing(int answered) => [401, 403, answered, answered, 403, answered, answered, 401, 401];

    public static IReadOnlyList<Row> Table()
    {
        var png = Face("AK", "HA", variant: 7);
        HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");
        return
        [
            new("GET /api/health", HttpMethod.Get, "/api/health", () => null, Public),
            new("GET /api/openapi.json", HttpMethod.Get, "/api/openapi.json", () => null, Public),
            new("GET /api/ui", HttpMethod.Get, "/api/ui", () => null, Public),
            new("GET /api/labels", HttpMethod.Get, "/api/labels", () => null, Reading),
            new("POST /api/compose", HttpMethod.Post, "/api/compose", () => Json("""{"add": {"person": "AK", "expression": "HA"}}"""), Reading),
            new("POST /api/compose/form", HttpMethod.Post, "/api/compose/form?wholeImage=true",
                () => new MultipartFormDataContent { { Png(png), "image", "face.png" }, { Json("""{"add": {"expression": "SU"}}"""), "query" } }, Reading),
            new("POST /api/search", HttpMethod.Post, "/api/search?wholeImage=true", () => Png(png), Reading),
            new("POST /api/search/form", HttpMethod.Post, "/api/search/form?wholeImage=true", () => new MultipartFormDataContent { { Png(png), "image", "face.png" } }, Reading),
            new("GET /api/images/{id}", HttpMethod.Get, $"/api/images/{TrainedId}", () => null, Reading),
            new("GET /api/gallery", HttpMethod.Get, "/api/gallery?limit=2", () => null, Reading),
            new("POST /api/gallery (a text body: 415 once admitted)", HttpMethod.Post, "/api/gallery", () => new StringContent("hello"), Writing(415)),
            new("POST /api/gallery/form (labels not JSON: 400 once admitted)", HttpMethod.Post, "/api/gallery/form",
                () => new MultipartFormDataContent { { Png(png), "image", "face.png" }, { Json("{\"person\": "), "labels" } }, Writing(400)),
            new("DELETE /api/gallery/{id} (an id no image has: 404 once admitted)", HttpMethod.Delete, "/api/gallery/nobody", () => null, Writing(404)),
            new("DELETE /api/gallery (everything of the caller's tenant)", HttpMethod.Delete, "/api/gallery", () => null, [401, 403, 200, 200, 403, 403, 403, 401, 401]),
        ];
    }

    /// <summary>The table as docs/access.md shows it.</summary>
    public static string Markdown()
    {
        var text = new StringBuilder("| Route | None | Read token | Write token | Other tenant's token | Read key | Write key | Write key as ?code= | Expired token | Forged token |\n");
        text.Append("|---|" + string.Concat(Enumerable.Repeat("---|", Enum.GetValues<Credential>().Length)) + "\n");
        foreach (var row in Table())
            text.Append($"| {row.Route} | {string.Join(" | ", row.Statuses)} |\n");
        return text.ToString();
    }

    /// <summary>A request with the credential: tokens for tenant "tenant-a" (the other: "tenant-b") from the tests' issuer, or the fixture's keys.</summary>
    public static HttpRequestMessage Request(AccessFixture fixture, HttpMethod method, string path, HttpContent? body, Credential credential, string subject = "table")
    {
        var keyed = credential == Credential.WriteKeyInQuery ? $"{path}{(path.Contains('?') ? '&' : '?')}code={Uri.EscapeDataString(fixture.Keys.Writer)}" : path;
        var request = new HttpRequestMessage(method, keyed) { Content = body };
        var token = credential switch
        {
            Credential.ReadToken => fixture.Issuer.Mint("tenant-a", Read, subject),
            Credential.WriteToken => fixture.Issuer.Mint("tenant-a", ReadWrite, subject),
            Credential.OtherTenantToken => fixture.Issuer.Mint("tenant-b", ReadWrite, subject),
            Credential.ExpiredToken => fixture.Issuer.Mint("tenant-a", ReadWrite, subject, lifetime: TimeSpan.FromMinutes(-5)),
            Credential.ForgedToken => fixture.Issuer.Forge("tenant-a", ReadWrite),
            _ => null,
        };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (credential is Credential.ReadKey or Credential.WriteKey)
            request.Headers.Add("x-functions-key", credential == Credential.ReadKey ? fixture.Keys.Reader : fixture.Keys.Writer);
        return request;
    }

    [Theory]
    [InlineData(HostKind.Local)]
    [InlineData(HostKind.Functions)]
    public async Task Every_route_answers_every_kind_of_credential_as_the_table_says(HostKind kind)
    {
        var client = await fixture.ClientAsync(service, kind);
        var mismatches = new List<string>();
        foreach (var row in Table())
            foreach (var credential in Enum.GetValues<Credential>())
            {
                using var request = Request(fixture, row.Method, row.Path, row.Body(), credential);
                using var response = await client.SendAsync(request);
                var expected = row.Statuses[(int)credential];
                if ((int)response.StatusCode != expected)
                    mismatches.Add($"{row.Route} with {credential}: {(int)response.StatusCode}, expected {expected}: {await response.Content.ReadAsStringAsync()}");
                else if (expected is 401 or 403)
                    await AssertRefusalAsync(response, credential);
            }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    /// <summary>A refusal is problem details, and a 401 challenges for a bearer token, naming what was wrong with one that was sent.</summary>
    private static async Task AssertRefusalAsync(HttpResponseMessage response, Credential credential)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"detail\"", await response.Content.ReadAsStringAsync());
        if (response.StatusCode != HttpStatusCode.Unauthorized)
            return;
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        if (credential is Credential.ExpiredToken or Credential.ForgedToken)
            Assert.Contains("error=\"invalid_token\"", challenge.Parameter);
    }

    [Fact]
    public void The_docs_show_the_table_the_tests_check()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "access.md"));
        Assert.Contains(Markdown(), docs.ReplaceLineEndings("\n"));
    }

    /// <summary>Authorization headers a hostile client sends: every one is a 401 with problem details, never a 5xx.</summary>
    private IEnumerable<(string Name, string Value)> HostileAuthorizations()
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var issuer = fixture.Issuer.Authority;
        return
        [
            ("no token", "Bearer"), ("an empty token", "Bearer "), ("basic", "Basic dXNlcjpwYXNz"), ("not a JWT", "Bearer not-a-jwt"),
            ("three dots", "Bearer a.b.c"), ("20,000 characters", "Bearer " + new string('x', 20_000)),
            ("alg none", $"Bearer {Part("""{"alg":"none","typ":"JWT"}""")}.{Part($$"""{"iss":"{{issuer}}","aud":"{{TokenIssuer.Audience}}","tid":"t","oid":"o","scp":"Gallery.Read","exp":4102444800}""")}."),
            ("another issuer", $"Bearer {Part("""{"alg":"RS256","kid":"issuer-key"}""")}.{Part("""{"iss":"https://elsewhere.example/v2.0","exp":4102444800}""")}.c2ln"),
            ("another audience", "Bearer " + fixture.Issuer.Mint("tenant-a", ReadWrite, audience: "api://another-api")),
        ];
    }

    [Theory]
    [InlineData(HostKind.Local)]
    [InlineData(HostKind.Functions)]
    public async Task Hostile_authorization_headers_get_401_problem_details(HostKind kind)
    {
        var client = await fixture.ClientAsync(service, kind);
        foreach (var (name, value) in HostileAuthorizations())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/labels");
            request.Headers.TryAddWithoutValidation("Authorization", value);
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task An_upload_over_the_callers_concurrent_uploads_gets_429_while_another_callers_upload_is_answered()
    {
        await fixture.ClientAsync(service, HostKind.Local); // the fixture's storage and model
        var (host, client) = await LocalApi.StartWithAsync(AccessFixture.Arguments(fixture.Settings(("Auth:ConcurrentUploads", "1"))));
        await using var _ = host;
        using var __ = client;
        await ServiceFixture.WaitForModelAsync(client);
        var png = Face("AK", "HA", variant: 7);
        // The first upload holds its slot while its body trickles in.
        var release = new TaskCompletionSource();
        var stalled = client.SendAsync(Request(fixture, HttpMethod.Post, "/api/search?wholeImage=true", new StalledBody(png, release.Task), Credential.WriteKey));
        HttpStatusCode second;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            using var response = await client.SendAsync(Request(fixture, HttpMethod.Post, "/api/search?wholeImage=true", Png(png), Credential.WriteKey));
            second = response.StatusCode;
            if (second == HttpStatusCode.TooManyRequests)
                Assert.NotNull(response.Headers.RetryAfter);
        } while (second != HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.TooManyRequests, second);
        using (var other = await client.SendAsync(Request(fixture, HttpMethod.Post, "/api/search?wholeImage=true", Png(png), Credential.ReadKey)))
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        release.SetResult();
        using var first = await stalled;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
    }

    /// <summary>A body that sends its first bytes, then the rest once released.</summary>
    private sealed class StalledBody : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly Task _released;

        public StalledBody(byte[] bytes, Task released)
        {
            (_bytes, _released) = (bytes, released);
            Headers.ContentType = new MediaTypeHeaderValue("image/png");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(_bytes.AsMemory(0, 16));
            await stream.FlushAsync();
            await _released;
            await stream.WriteAsync(_bytes.AsMemory(16));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }

    [Fact]
    public async Task A_token_whose_issuer_cannot_be_reached_gets_503_with_retry_after_and_a_key_still_gets_in()
    {
        await fixture.ClientAsync(service, HostKind.Local); // the fixture's storage and model
        var nowhere = $"http://127.0.0.1:{Azurite.FreePort()}/gone/v2.0";
        var (host, client) = await LocalApi.StartWithAsync(AccessFixture.Arguments(fixture.Settings(("Auth:Issuers:0:Authority", nowhere))));
        await using var _ = host;
        using var __ = client;
        await ServiceFixture.WaitForModelAsync(client);
        using var tokened = await client.SendAsync(Request(fixture, HttpMethod.Get, "/api/labels", null, Credential.ReadToken));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, tokened.StatusCode);
        Assert.NotNull(tokened.Headers.RetryAfter);
        Assert.Equal("application/problem+json", tokened.Content.Headers.ContentType?.MediaType);
        using var keyed = await client.SendAsync(Request(fixture, HttpMethod.Get, "/api/labels", null, Credential.ReadKey));
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
    }

    [Theory]
    [InlineData(HostKind.Local)]
    [InlineData(HostKind.Functions)]
    public async Task A_caller_over_its_limit_gets_429_with_retry_after_while_another_caller_is_answered(HostKind kind)
    {
        var client = await fixture.ClientAsync(service, kind);
        async Task<HttpResponseMessage> LabelsAsync(string subject) =>
            await client.SendAsync(Request(fixture, HttpMethod.Get, "/api/labels", null, Credential.ReadToken, subject));
        for (var i = 0; i < AccessFixture.RequestsPerWindow; i++)
            using (var admitted = await LabelsAsync($"flooder-{kind}"))
                Assert.True(admitted.StatusCode == HttpStatusCode.OK, await admitted.Content.ReadAsStringAsync());
        using var refused = await LabelsAsync($"flooder-{kind}");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        using var other = await LabelsAsync($"patient-{kind}");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
