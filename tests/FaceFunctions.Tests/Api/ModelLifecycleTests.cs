using System.Net;
using System.Net.Http.Json;
using FaceFunctions.Artifacts;
using FunctionsWorkerTelemetry = FaceFunctions.Functions.WorkerTelemetry;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Publishing;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace FaceFunctions.Tests.Api;

/// <summary>Model swaps, refused models and storage outages, over Azurite and real HTTP, with the fixture's trained model.</summary>
[Collection(ServiceCollection.Name)]
public sealed partial class ModelLifecycleTests(ServiceFixture service)
{
    private static Task<(WebApplication Host, HttpClient Client)> StartHostAsync(string connectionString) =>
        LocalApi.StartAsync(connectionString, "--Serving:PollInterval", "00:00:00.2", "--Serving:LoadRetryInterval", "00:00:00.2");

    private async Task<ModelBundle> TrainedBundleAsync() =>
        await new ModelRepository(new FolderArtifactStore(service.ModelFolder)).LoadCurrentAsync();

    /// <summary>Stores that publish as the training job does: its patience, not serving's fail-fast timeouts (a 45 MB model on a busy machine).</summary>
    private static ArtifactStores Publisher(string connectionString) =>
        ArtifactStores.Create(new StorageOptions { ConnectionString = connectionString, NetworkTimeout = TimeSpan.FromSeconds(100), MaxRetries = 3 });

    private async Task PublishAsync(string connectionString, ModelBundle bundle, string version)
    {
        var stores = Publisher(connectionString);
        var images = ArtifactStores.ForFolder(service.ModelFolder).Images;
        foreach (var entry in bundle.Gallery.DistinctBy(e => e.Image))
            await stores.Images.WriteAsync(entry.Image, await images.ReadAsync(entry.Image));
        await new ModelPublisher(stores.Models).PublishAsync(bundle with { Version = version, CreatedUtc = DateTimeOffset.UtcNow });
    }

    /// <summary>Which host serves the function classes.</summary>
    public enum ApiHost
    {
        Local,
        Functions,
    }

    /// <summary>Azurite with the fixture's model published as v1, and a host that serves it.</summary>
    private sealed class Serving(Azurite azurite, IAsyncDisposable host, HttpClient client, ModelBundle bundle) : IAsyncDisposable
    {
        public Azurite Azurite { get; } = azurite;
        public HttpClient Client { get; } = client;
        public ModelBundle Bundle { get; } = bundle;

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await host.DisposeAsync();
            await Azurite.DisposeAsync();
        }
    }

    private async Task<Serving> ServeV1Async(int? port = null, ApiHost kind = ApiHost.Local, IReadOnlyDictionary<string, string>? functionsSettings = null)
    {
        var azurite = await Azurite.StartAsync(port);
        Serving? serving = null;
        try
        {
            var bundle = await TrainedBundleAsync();
            await PublishAsync(azurite.ConnectionString, bundle, "v1");
            var (host, client) = kind == ApiHost.Local
                ? await StartLocalHostAsync(azurite.ConnectionString)
                : await StartFunctionsHostAsync(azurite.ConnectionString, functionsSettings);
            serving = new Serving(azurite, host, client, bundle);
            await ServedVersion.WaitForAsync(client, "v1");
            return serving;
        }
        catch
        {
            // Whatever started stops: a host that did not start leaves no Azurite behind.
            await (serving is null ? azurite.DisposeAsync() : serving.DisposeAsync());
            throw;
        }
    }

    private static async Task<(IAsyncDisposable Host, HttpClient Client)> StartLocalHostAsync(string connectionString)
    {
        var (host, client) = await StartHostAsync(connectionString);
        return (host, client);
    }

    /// <summary>The Functions host, with a client that sends a service key that reads and writes.</summary>
    private static async Task<(IAsyncDisposable Host, HttpClient Client)> StartFunctionsHostAsync(string connectionString, IReadOnlyDictionary<string, string>? more = null)
    {
        var host = await FunctionsHost.StartAsync(new Dictionary<string, string>((more ?? new Dictionary<string, string>()).Concat(new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = connectionString, ["Serving:PollInterval"] = "00:00:00.2", ["Serving:LoadRetryInterval"] = "00:00:00.2",
        })));
        var client = new HttpClient { BaseAddress = host.Client.BaseAddress, DefaultRequestHeaders = { { "x-functions-key", host.Keys.Writer } } };
        return (host, client);
    }

    [Theory]
    [InlineData(ApiHost.Local)]
    [InlineData(ApiHost.Functions)]
    public async Task A_new_model_swaps_in_under_parallel_requests_without_a_failed_request_and_a_corrupt_one_is_refused(ApiHost kind)
    {
        await using var serving = await ServeV1Async(kind: kind);
        var (azurite, client, bundle) = (serving.Azurite, serving.Client, serving.Bundle);

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
        await ServedVersion.WaitForAsync(client, "v2");
        await Task.Delay(300);
        stop.Cancel();
        await Task.WhenAll(load);
        Assert.Equal(0, failures);
        Assert.Equal(["v1", "v2"], versionsSeen.Order());

        // A version whose model does not match its checksum is refused; v2 keeps serving and health says why.
        var models = Publisher(azurite.ConnectionString).Models;
        var repository = new ModelRepository(models);
        var publisher = new ModelPublisher(repository.Store);
        await publisher.PublishAsync(bundle with { Version = "v3" });
        await models.WriteAsync(ModelRepository.PrefixOf("v3") + ArtifactNames.Model, BinaryData.FromString("not a model"));
        // Rewrite the pointer so its tag changes after the damage.
        await models.WriteAsync(ArtifactNames.Current, await models.ReadAsync(ArtifactNames.Current));
        var refused = await WaitForLoadErrorAsync(client, expected: "ModelRefused");
        Assert.Equal("v2", refused.GetProperty("modelVersion").GetString());
        using (var answer = await client.PostAsJsonAsync("/api/compose", new { add = new { person = "AK" } }))
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        // Rolled back to the version that serves: health reports the current state, not the refusal.
        await publisher.ActivateAsync("v2");
        await WaitForLoadErrorAsync(client, expected: null);
    }

    [Fact]
    public async Task The_activate_command_points_serving_at_a_version_and_refuses_one_that_is_not_there()
    {
        await using var azurite = await Azurite.StartAsync();
        var bundle = await TrainedBundleAsync();
        await PublishAsync(azurite.ConnectionString, bundle, "v1");
        await PublishAsync(azurite.ConnectionString, bundle, "v2");
        var repository = new ModelRepository(Publisher(azurite.ConnectionString).Models);
        var publisher = new ModelPublisher(repository.Store);

        var (code, output, error) = await TrainingJobCommand.RunAsync("activate", "--version", "v1", "--storage-connection-string", azurite.ConnectionString);
        Assert.True(code == 0, error);
        Assert.Contains("Version v1 is current", output);
        Assert.Equal("v1", (await repository.LoadCurrentAsync()).Version);

        (code, _, error) = await TrainingJobCommand.RunAsync("activate", "--version", "v9", "--storage-connection-string", azurite.ConnectionString);
        Assert.Equal(1, code);
        Assert.StartsWith("error:", error);
        Assert.Equal("v1", (await repository.LoadCurrentAsync()).Version);
    }

    /// <summary>Health once its lastLoadError's reason is <paramref name="expected"/> (null: no error).</summary>
    private static async Task<System.Text.Json.JsonElement> WaitForLoadErrorAsync(HttpClient client, string? expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var health = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/health");
            var error = health.GetProperty("lastLoadError");
            var reason = error.ValueKind == System.Text.Json.JsonValueKind.Object ? error.GetProperty("reason").GetString() : null;
            if (reason == expected)
                return health;
            Assert.True(DateTime.UtcNow < deadline, $"lastLoadError stayed {reason}, not {expected ?? "null"}, for 30 s");
            await Task.Delay(100);
        }
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
        await ServedVersion.WaitForAsync(client, "late");
    }

    [Fact]
    public async Task With_storage_down_images_fail_fast_with_503_compose_and_search_keep_answering_and_health_recovers()
    {
        var port = Azurite.FreePort();
        await using var serving = await ServeV1Async(port);
        var (azurite, client, bundle) = (serving.Azurite, serving.Client, serving.Bundle);
        var id = bundle.Gallery[0].Id;
        var png = await client.GetByteArrayAsync($"/api/images/{id}");
        await azurite.DisposeAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var image = await client.GetAsync($"/api/images/{id}"))
        {
            await EndToEndTests.AssertProblemAsync(image, HttpStatusCode.ServiceUnavailable, "retry");
            Assert.True(image.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the 503 took {clock.Elapsed.TotalSeconds:F1} s");
        using (var compose = await client.PostAsJsonAsync("/api/compose", new { add = new { person = "AK" } }))
            Assert.Equal(HttpStatusCode.OK, compose.StatusCode);
        using (var search = await client.PostAsync("/api/search", new ByteArrayContent(png) { Headers = { ContentType = new("image/png") } }))
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        var health = await WaitForLoadErrorAsync(client, expected: "StorageUnavailable");
        // Anonymous answers carry no endpoint, port or storage error text.
        Assert.DoesNotContain(port.ToString(), health.GetRawText());
        Assert.DoesNotContain("127.0.0.1", health.GetRawText());

        await using var back = await Azurite.StartAsync(port);
        await PublishAsync(back.ConnectionString, bundle, "v1");
        await WaitForLoadErrorAsync(client, expected: null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/images/{id}")).StatusCode);
    }

    [Fact]
    public async Task Under_the_functions_host_a_model_load_warning_reaches_application_insights_as_the_alert_queries_it()
    {
        // The worker's own telemetry, sent where the connection string points (an ingestion endpoint on 127.0.0.1),
        // read back and matched with the model-load alert's own query: its category field and severity.
        await using var ingestion = await TelemetryIngestion.StartAsync();
        var alert = TraceAlert.Parse(DeploymentTemplateTests.AlertQuery("api-model-load-error"));
        await using var serving = await ServeV1Async(kind: ApiHost.Functions, functionsSettings: new Dictionary<string, string>
        {
            [FunctionsWorkerTelemetry.ConnectionStringSetting] = ingestion.ConnectionString,
            ["APPINSIGHTS_DEVELOPER_MODE"] = "true", // send each item at once rather than every 30 s
        });
        await serving.Azurite.DisposeAsync(); // storage goes away: the loader warns at its next poll

        var trace = await ingestion.WaitForTraceAsync(alert.Matches, TimeSpan.FromSeconds(60));
        var data = trace.GetProperty("data").GetProperty("baseData");
        Assert.Contains("cannot be reached", data.GetProperty("message").GetString());
        Assert.Equal("FaceFunctions.Functions.Serving.ModelLoaderService", data.GetProperty("properties").GetProperty(alert.Field).GetString());
    }

    /// <summary>
    /// A trace alert's query of the form the model-load alert has: traces | where tostring(customDimensions.FIELD)
    /// endswith "SUFFIX" and severityLevel >= N, applied to a trace as Application Insights stores it.
    /// </summary>
    private sealed partial record TraceAlert(string Field, string Suffix, int MinimumSeverity)
    {
        public static TraceAlert Parse(string query)
        {
            var match = Shape().Match(query);
            Assert.True(match.Success, $"not a query of the known shape: {query}");
            return new TraceAlert(match.Groups[1].Value, match.Groups[2].Value, int.Parse(match.Groups[3].Value));
        }

        // The SDK sends the severity by its name; the traces table holds the same enum's number.
        public bool Matches(System.Text.Json.JsonElement trace) =>
            trace.GetProperty("properties").TryGetProperty(Field, out var value) && value.GetString()!.EndsWith(Suffix, StringComparison.Ordinal)
            && (int)Enum.Parse<Microsoft.ApplicationInsights.DataContracts.SeverityLevel>(trace.GetProperty("severityLevel").GetString()!) >= MinimumSeverity;

        [System.Text.RegularExpressions.GeneratedRegex("""^traces \| where tostring\(customDimensions\.(\w+)\) endswith "([^"]+)" and severityLevel >= (\d)$""")]
        private static partial System.Text.RegularExpressions.Regex Shape();
    }

    [Fact]
    public async Task A_request_that_began_before_a_swap_finishes_on_its_model_however_long_it_takes()
    {
        await using var serving = await ServeV1Async();
        var (azurite, client, bundle) = (serving.Azurite, serving.Client, serving.Bundle);
        var png = await client.GetByteArrayAsync($"/api/images/{bundle.Gallery[0].Id}");

        // A slow upload: the request starts (and takes v1) with half its body, the rest comes after the swap.
        var rest = new TaskCompletionSource();
        var upload = new SlowContent(png, rest.Task) { Headers = { ContentType = new("image/png") } };
        var search = client.PostAsync("/api/search?k=1", upload);
        await upload.HalfSent;
        await PublishAsync(azurite.ConnectionString, bundle, "v2");
        await ServedVersion.WaitForAsync(client, "v2");
        await Task.Delay(TimeSpan.FromSeconds(2)); // longer than any retirement delay the old design had in tests
        rest.SetResult();
        using var response = await search;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("v1", answer.GetProperty("modelVersion").GetString());
        Assert.Equal(bundle.Gallery[0].Id, answer.GetProperty("results")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_version_whose_model_and_gallery_differ_in_dimensions_is_refused_and_the_old_one_serves()
    {
        await using var serving = await ServeV1Async();
        var (azurite, client, bundle) = (serving.Azurite, serving.Client, serving.Bundle);

        // Every SHA-256 matches, but the gallery and facet vectors have 64 dimensions and the network outputs more.
        const int dimensions = 64;
        float[] Cut(float[] matrix) => Enumerable.Range(0, matrix.Length / bundle.Dimensions)
            .SelectMany(row => matrix.AsSpan(row * bundle.Dimensions, dimensions).ToArray()).ToArray();
        var narrow = bundle with
        {
            GalleryVectors = Cut(bundle.GalleryVectors),
            Dimensions = dimensions,
            Facets = new FacetVectors(bundle.Facets.Facets, Cut(bundle.Facets.Matrix), dimensions),
        };
        await PublishAsync(azurite.ConnectionString, narrow, "v2");
        var health = await WaitForLoadErrorAsync(client, expected: "ModelRefused");
        Assert.Equal("v1", health.GetProperty("modelVersion").GetString());
        var png = await client.GetByteArrayAsync($"/api/images/{bundle.Gallery[0].Id}");
        using var search = await client.PostAsync("/api/search", new ByteArrayContent(png) { Headers = { ContentType = new("image/png") } });
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
    }

    /// <summary>Sends the first half of a body, then waits for <paramref name="rest"/> before the second.</summary>
    private sealed class SlowContent(byte[] body, Task rest) : HttpContent
    {
        private readonly TaskCompletionSource _halfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task HalfSent => _halfSent.Task;

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await stream.FlushAsync();
            _halfSent.SetResult();
            await rest;
            await stream.WriteAsync(body.AsMemory(body.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
