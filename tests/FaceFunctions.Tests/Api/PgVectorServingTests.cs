using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FaceFunctions.Artifacts;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Publishing;
using Xunit;

namespace FaceFunctions.Tests.Api;

/// <summary>
/// The pgvector backend behind the API, over Azurite, a real PostgreSQL and real HTTP, with the service fixture's
/// trained model: the same answers as the in-process index, the database's pointer followed through publications,
/// a failed one and a rollback, and an outage answered 503.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class PgVectorServingTests(ServiceFixture service) : IAsyncLifetime
{
    private Postgres _postgres = null!;
    private Azurite _azurite = null!;

    public async Task InitializeAsync()
    {
        _postgres = await Postgres.StartAsync();
        _azurite = await Azurite.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    private PostgresOptions Database(string? readerRole = null) => new()
    {
        ConnectionString = _postgres.ConnectionString, Schema = "api", Search = PgVectorSearch.Exact, ReaderRole = readerRole,
    };

    private Task PublishAsync(string version, PostgresOptions database) => FixtureModel.PublishAsync(service, _azurite.ConnectionString, version, database);

    private Task<(Microsoft.AspNetCore.Builder.WebApplication Host, HttpClient Client)> StartPgVectorHostAsync() =>
        LocalApi.StartAsync(_azurite.ConnectionString, "--Serving:Gallery", "pgvector", "--Serving:PollInterval", "00:00:00.2", "--Serving:LoadRetryInterval", "00:00:00.2",
            "--Postgres:ConnectionString", _postgres.ConnectionString, "--Postgres:Schema", "api", "--Postgres:Search", "exact");

    [Fact]
    public async Task Compose_and_search_answer_as_the_in_process_index_does()
    {
        await PublishAsync("v1", Database());
        var (inProcessHost, inProcess) = await LocalApi.StartAsync(_azurite.ConnectionString, "--Serving:Index:Kind", "exact");
        var (pgvectorHost, pgvector) = await StartPgVectorHostAsync();
        await using var _ = inProcessHost;
        await using var __ = pgvectorHost;
        await ServiceFixture.WaitForModelAsync(inProcess);
        await ServiceFixture.WaitForModelAsync(pgvector);

        var requests = SyntheticFaces.PersonCodes.Take(ServiceFixture.Faces.Persons).SelectMany(person => SyntheticFaces.ExpressionCodes
            .Select(expression => (object)new { add = new { person, expression }, k = 5 })).ToList();
        requests.Add(new { imageId = "AK.NE1.9", subtract = new { expression = "NE" }, add = new { expression = "HA" }, k = 5 });
        requests.Add(new { add = new { expression = "HA" }, filter = new Dictionary<string, string[]> { ["person"] = ["BM", "CH"] }, k = 10 });
        foreach (var request in requests)
            AssertSameResults(await PostAsync(inProcess, "/api/compose", JsonContent.Create(request)),
                await PostAsync(pgvector, "/api/compose", JsonContent.Create(request)));
        var transformed = await PostAsync(pgvector, "/api/compose", JsonContent.Create(requests[^2]));
        Assert.Equal("AK", transformed.GetProperty("results")[0].GetProperty("labels").GetProperty("person").GetString());
        Assert.Equal("HA", transformed.GetProperty("results")[0].GetProperty("labels").GetProperty("expression").GetString());

        var png = await pgvector.GetByteArrayAsync("/api/images/AK.NE1.9");
        foreach (var query in new[] { "?k=5", "?k=5&filter=expression:SU,HA" })
        {
            var found = await PostAsync(pgvector, "/api/search" + query, Png(png));
            AssertSameResults(await PostAsync(inProcess, "/api/search" + query, Png(png)), found);
            if (query == "?k=5")
                Assert.Equal("AK.NE1.9", found.GetProperty("results")[0].GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task Serving_follows_the_database_through_a_training_run_a_failed_publication_and_a_rollback()
    {
        await PublishAsync("v1", Database());
        var (host, client) = await StartPgVectorHostAsync();
        await using var _ = host;
        await ServedVersion.WaitForAsync(client, "v1");

        using var output = new TempFolder();
        var (code, log, error) = await TrainingJobCommand.RunAsync("train", "--data", "synthetic", "--epochs", "1", "--image-size", "64", "--face", "none",
            "--output", output.Path, "--storage-connection-string", _azurite.ConnectionString,
            "--postgres-connection-string", _postgres.ConnectionString, "--postgres-schema", "api");
        Assert.True(code == 0, error + log);
        Assert.Contains("published to PostgreSQL schema api", log);
        var trained = (await new ModelRepository(new FolderArtifactStore(output.Path)).LoadCurrentAsync()).Version;
        await ServedVersion.WaitForAsync(client, trained);

        // A publication the database refuses (its reader role does not exist) moves neither pointer.
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => PublishAsync("v3", Database(readerRole: "nobody_here")));
        var models = ArtifactStores.Create(new StorageOptions { ConnectionString = _azurite.ConnectionString }).Models;
        Assert.Equal(trained, (await new ModelRepository(models).LoadCurrentAsync()).Version);
        await Task.Delay(600);
        Assert.Equal(trained, await ServedVersion.OfAsync(client));

        (code, log, error) = await TrainingJobCommand.RunAsync("activate", "--version", "v1", "--storage-connection-string", _azurite.ConnectionString,
            "--postgres-connection-string", _postgres.ConnectionString, "--postgres-schema", "api");
        Assert.True(code == 0, error + log);
        await ServedVersion.WaitForAsync(client, "v1");
    }

    [Fact]
    public async Task A_database_outage_answers_503_with_problem_details_and_serving_resumes_after_it()
    {
        await PublishAsync("v1", Database());
        var (host, client) = await StartPgVectorHostAsync();
        await using var _ = host;
        await ServedVersion.WaitForAsync(client, "v1");
        var query = new { add = new { person = "AK", expression = "HA" }, k = 3 };

        await _postgres.StopAsync();
        using (var response = await client.PostAsJsonAsync("/api/compose", query))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Contains("gallery", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        }
        await _postgres.StartAgainAsync();
        using (var response = await client.PostAsJsonAsync("/api/compose", query))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_table_without_image_names_is_refused_and_the_next_publication_serves()
    {
        await PublishAsync("v1", Database());
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(_postgres.ConnectionString))
        await using (var drop = dataSource.CreateCommand($"ALTER TABLE api.{PgVectorCatalogue.TableOf("v1")} DROP COLUMN image"))
            await drop.ExecuteNonQueryAsync(); // as a table published before tables kept them
        var (host, client) = await StartPgVectorHostAsync();
        await using var _ = host;
        await Task.Delay(1000);
        using (var response = await client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("was refused", await response.Content.ReadAsStringAsync());
        }
        await PublishAsync("v2", Database());
        await ServedVersion.WaitForAsync(client, "v2");
    }

    private static ByteArrayContent Png(byte[] png) => new(png) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } };

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, HttpContent content)
    {
        using var response = await client.PostAsync(path, content);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The same images in the same order with the same labels, and scores equal to float precision.</summary>
    private static void AssertSameResults(JsonElement expected, JsonElement actual)
    {
        var (want, got) = (expected.GetProperty("results").EnumerateArray().ToList(), actual.GetProperty("results").EnumerateArray().ToList());
        Assert.Equal(want.Select(r => r.GetProperty("id").GetString()), got.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(want.Select(r => r.GetProperty("labels").GetRawText()), got.Select(r => r.GetProperty("labels").GetRawText()));
        Assert.All(want.Zip(got), pair => Assert.Equal(pair.First.GetProperty("score").GetSingle(), pair.Second.GetProperty("score").GetSingle(), 4));
    }
}
