using System.Net;
using System.Net.Http.Json;
using FaceFunctions.Artifacts;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace FaceFunctions.Tests.Api;

/// <summary>Model swaps, refused models and storage outages, over Azurite and real HTTP, with the fixture's trained model.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ModelLifecycleTests(ServiceFixture service)
{
    private static Task<(WebApplication Host, HttpClient Client)> StartHostAsync(string connectionString) =>
        LocalApi.StartAsync(connectionString, "--Serving:PollSeconds", "0.2", "--Serving:LoadRetrySeconds", "0.2", "--Serving:RetireSeconds", "1");

    private async Task<ModelBundle> TrainedBundleAsync() =>
        await new ModelRepository(new FolderArtifactStore(service.ModelFolder)).LoadCurrentAsync();

    private async Task PublishAsync(string connectionString, ModelBundle bundle, string version)
    {
        var stores = ArtifactStores.Create(new StorageOptions { ConnectionString = connectionString });
        var images = ArtifactStores.ForFolder(service.ModelFolder).Images;
        foreach (var entry in bundle.Gallery.DistinctBy(e => e.Image))
            await stores.Images.WriteAsync(entry.Image, await images.ReadAsync(entry.Image));
        await new ModelRepository(stores.Models).PublishAsync(bundle with { Version = version, CreatedUtc = DateTimeOffset.UtcNow });
    }

    private static async Task<string?> VersionAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/health");
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("modelVersion").GetString() : null;
    }

    private static async Task WaitForVersionAsync(HttpClient client, string version)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await VersionAsync(client) != version)
        {
            Assert.True(DateTime.UtcNow < deadline, $"version {version} did not start serving within 30 s");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_new_model_swaps_in_under_parallel_requests_without_a_failed_request_and_a_corrupt_one_is_refused()
    {
        await using var azurite = await Azurite.StartAsync();
        var bundle = await TrainedBundleAsync();
        await PublishAsync(azurite.ConnectionString, bundle, "v1");
        var (host, client) = await StartHostAsync(azurite.ConnectionString);
        await using var _ = host;
        using var __ = client;
        await WaitForVersionAsync(client, "v1");

        var versionsSeen = new HashSet<string>();
        var failures = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.PostAsJsonAsync("/api/compose", new { add = new { person = "AK", expression = "HA" }, k = 3 });
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                    continue;
                }
                var version = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("modelVersion").GetString()!;
                lock (versionsSeen) versionsSeen.Add(version);
            }
        }).ToList();
        await Task.Delay(300);
        await PublishAsync(azurite.ConnectionString, bundle, "v2");
        await WaitForVersionAsync(client, "v2");
        await Task.Delay(300);
        stop.Cancel();
        await Task.WhenAll(load);
        Assert.Equal(0, failures);
        Assert.Equal(["v1", "v2"], versionsSeen.Order());

        // A version whose model does not match its checksum is refused; v2 keeps serving and health says why.
        var models = ArtifactStores.Create(new StorageOptions { ConnectionString = azurite.ConnectionString }).Models;
        var repository = new ModelRepository(models);
        await repository.PublishAsync(bundle with { Version = "v3" });
        await models.WriteAsync(ModelRepository.PrefixOf("v3") + ArtifactNames.Model, BinaryData.FromString("not a model"));
        // Rewrite the pointer so its tag changes after the damage.
        await models.WriteAsync(ArtifactNames.Current, await models.ReadAsync(ArtifactNames.Current));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? lastError = null;
        while (lastError is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            var health = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/health");
            Assert.Equal("v2", health.GetProperty("modelVersion").GetString());
            lastError = health.TryGetProperty("lastLoadError", out var e) && e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString() : null;
        }
        Assert.Contains("SHA-256", lastError);
        using var answer = await client.PostAsJsonAsync("/api/compose", new { add = new { person = "AK" } });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task Storage_down_at_start_answers_503_then_serves_once_it_is_up()
    {
        var port = Azurite.FreePort();
        var connectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        var (host, client) = await StartHostAsync(connectionString);
        await using var _ = host;
        using var __ = client;
        using (var response = await client.PostAsJsonAsync("/api/compose", new { add = new { person = "AK" } }))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/api/health")).StatusCode);

        await using var azurite = await Azurite.StartAsync(port);
        await PublishAsync(azurite.ConnectionString, await TrainedBundleAsync(), "late");
        await WaitForVersionAsync(client, "late");
    }
}
