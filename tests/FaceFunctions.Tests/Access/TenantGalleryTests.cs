using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Tests.Api;
using FaceFunctions.Tests.Infrastructure;
using Xunit;
using static FaceFunctions.Tests.Gallery.GalleryClient;

namespace FaceFunctions.Tests.Access;

/// <summary>
/// Two tenants add the same photo, each under a new person of its own: each sees its own image and the shared
/// gallery, never the other's (by search, listing, labels, composition, id and erasure), and erases everything of its
/// own at once. Under both hosts on the in-process backend, and on the pgvector backend.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class TenantGalleryTests(ServiceFixture service, AccessFixture fixture) : IClassFixture<AccessFixture>
{
    private const string TrainedId = "AK.NE1.9";

    [Theory]
    [InlineData(HostKind.Local)]
    [InlineData(HostKind.Functions)]
    public async Task Tenants_see_the_shared_gallery_and_their_own_images_never_each_others(HostKind kind) =>
        await TwoTenantsAsync(await fixture.ClientAsync(service, kind), $"in-process-{kind}");

    [Fact]
    public async Task On_the_pgvector_backend_tenants_see_their_own_images_never_each_others()
    {
        await using var postgres = await Postgres.StartAsync();
        await using var azurite = await Azurite.StartAsync();
        await FixtureModel.PublishAsync(service, azurite.ConnectionString, "v1",
            new PostgresOptions { ConnectionString = postgres.ConnectionString, Schema = "api", Search = PgVectorSearch.Exact });
        var settings = fixture.Settings(("Storage:ConnectionString", azurite.ConnectionString), ("Serving:Gallery", "pgvector"),
            ("Postgres:ConnectionString", postgres.ConnectionString), ("Postgres:Schema", "api"), ("Postgres:Search", "exact"));
        var (host, client) = await LocalApi.StartWithAsync(AccessFixture.Arguments(settings));
        await using var _ = host;
        using var __ = client;
        await ServiceFixture.WaitForModelAsync(client);
        await TwoTenantsAsync(client, "pgvector");
    }

    private async Task TwoTenantsAsync(HttpClient host, string run)
    {
        var (a, b) = ($"tenant-a-{run}", $"tenant-b-{run}");
        using var clientA = Caller(host, fixture.Issuer.Mint(a, "Gallery.Read Gallery.Write"));
        using var clientB = Caller(host, fixture.Issuer.Mint(b, "Gallery.Read Gallery.Write"));
        using var shared = Caller(host, null, fixture.Keys.Reader);
        var photo = Face("BM", "SU", variant: 7);
        var idA = await AddAsync(clientA, photo, new { person = "Zed-A" });
        var idB = await AddAsync(clientB, photo, new { person = "Zed-B" });

        Assert.Equal(idA, (await SearchAsync(clientA, photo, k: 100))[0]);
        Assert.DoesNotContain(idB, await SearchAsync(clientA, photo, k: 100));
        Assert.Equal(idB, (await SearchAsync(clientB, photo, k: 100))[0]);
        Assert.DoesNotContain(idA, await SearchAsync(clientB, photo, k: 100));
        Assert.Empty((await SearchAsync(shared, photo, k: 100)).Intersect([idA, idB]));

        Assert.Equal([idA], (await ListedAsync(clientA)).Intersect([idA, idB]));
        Assert.Empty((await ListedAsync(shared)).Intersect([idA, idB]));
        Assert.Contains("Zed-A", (await ValuesAsync(clientA, "person")).Keys);
        Assert.DoesNotContain("Zed-B", (await ValuesAsync(clientA, "person")).Keys);
        Assert.DoesNotContain("Zed-A", (await ValuesAsync(shared, "person")).Keys);
        using (var composed = await clientB.PostAsJsonAsync("/api/compose", new { add = new { person = "Zed-A" } }))
            Assert.Equal(HttpStatusCode.BadRequest, composed.StatusCode);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(clientA, HttpMethod.Get, $"/api/images/{idA}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(clientA, HttpMethod.Get, $"/api/images/{idB}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(shared, HttpMethod.Get, $"/api/images/{idA}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(clientA, HttpMethod.Delete, $"/api/gallery/{idB}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(clientA, HttpMethod.Delete, $"/api/gallery/{TrainedId}"));

        using (var erased = await clientA.DeleteAsync("/api/gallery"))
            Assert.Equal(1, (await erased.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("erased").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(clientA, HttpMethod.Get, $"/api/images/{idA}"));
        Assert.DoesNotContain("Zed-A", (await ValuesAsync(clientA, "person")).Keys);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(clientB, HttpMethod.Get, $"/api/images/{idB}"));
        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(clientB, HttpMethod.Delete, $"/api/gallery/{idB}"));
    }

    private static HttpClient Caller(HttpClient host, string? token, string? key = null)
    {
        var client = new HttpClient { BaseAddress = host.BaseAddress };
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (key is not null)
            client.DefaultRequestHeaders.Add("x-functions-key", key);
        return client;
    }

    private static async Task<List<string>> ListedAsync(HttpClient client) =>
        (await GetAsync(client, "/api/gallery?limit=1000")).GetProperty("images").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(method, path));
        return response.StatusCode;
    }
}
