using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using FaceFunctions.Functions.Ingestion;
using FaceFunctions.Tests.Api;
using FaceFunctions.Tests.Infrastructure;
using Xunit;
using static FaceFunctions.Tests.Gallery.GalleryClient;

namespace FaceFunctions.Tests.Gallery;

/// <summary>
/// Triggered ingestion under the real Functions host with Azurite's Blob and Queue services: images written to the
/// incoming container, announced by the BlobCreated events Event Grid would put on the queue, are added (labels from
/// metadata) and removed; images that cannot be added are moved aside with their reason; an event delivered twice adds once.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class IngestionTests(ServiceFixture service) : IAsyncLifetime
{
    private Azurite _azurite = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync(queues: true);
        await FixtureModel.PublishAsync(service, _azurite.ConnectionString, "v1");
    }

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    private Task UploadAsync(QueueClient queue, string name, byte[] content, Dictionary<string, string> metadata, int events = 1) =>
        IncomingUploads.UploadAsync(_azurite.ConnectionString, queue, name, content, metadata, events);

    private async Task<List<(string Name, IDictionary<string, string> Metadata)>> BlobsAsync(string container)
    {
        var client = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient(container);
        var blobs = new List<(string, IDictionary<string, string>)>();
        if (!await client.ExistsAsync()) return blobs;
        await foreach (var blob in client.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, null, CancellationToken.None))
            blobs.Add((blob.Name, blob.Metadata));
        return blobs;
    }

    [Fact]
    public async Task Images_written_to_incoming_are_added_with_their_metadata_labels_or_set_aside_with_their_reason()
    {
        var queue = await IncomingUploads.QueueAsync(_azurite.ConnectionString);
        await using var host = await FunctionsHost.StartAsync(new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = _azurite.ConnectionString, ["AzureWebJobsStorage"] = _azurite.ConnectionString,
            [GalleryIngestFunction.Connection] = _azurite.ConnectionString, ["Serving:PollInterval"] = "00:00:00.2",
        });
        var photo = Face("IV", "SU", variant: 1); // a person the model never learned
        await UploadAsync(queue, "album/zoë-surprised.png", photo,
            new() { ["Person"] = Uri.EscapeDataString("Zoë"), ["expression"] = "SU", ["reference"] = "crm-17" }, events: 2);
        await UploadAsync(queue, "notes.png", "not an image"u8.ToArray(), new() { ["person"] = "AK" });
        await UploadAsync(queue, "moody.png", Face("AK", "HA", 5), new() { ["mood"] = "HA" });
        await queue.SendMessageAsync("""{"eventType": "Microsoft.Storage.BlobDeleted", "subject": "/blobServices/default/containers/incoming/blobs/x"}""");

        await EventuallyAsync(async () => (await BlobsAsync(IncomingImages.Container)).Count == 0 && (await BlobsAsync(IncomingImages.FailedContainer)).Count == 2,
            TimeSpan.FromSeconds(60), "incoming is emptied: one image added, two set aside\n" + host.Log[^Math.Min(host.Log.Length, 4000)..]);
        var failed = (await BlobsAsync(IncomingImages.FailedContainer)).ToDictionary(b => b.Name, b => Uri.UnescapeDataString(b.Metadata[IncomingImages.ReasonKey]));
        Assert.Contains("supported format", failed["notes.png"]);
        Assert.Contains("Metadata 'mood'", failed["moody.png"]);

        using var search = new HttpRequestMessage(HttpMethod.Post, "/api/search?k=3&wholeImage=true") { Content = Png(photo), Headers = { { "x-functions-key", host.Keys.Reader } } };
        var answer = await (await host.Client.SendAsync(search)).Content.ReadFromJsonAsync<JsonElement>();
        var first = answer.GetProperty("results")[0];
        Assert.Equal(("Zoë", "SU"), (first.GetProperty("labels").GetProperty("person").GetString(), first.GetProperty("labels").GetProperty("expression").GetString()));
        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/gallery?filter=person:Zo%C3%AB") { Headers = { { "x-functions-key", host.Keys.Reader } } };
        var listed = (await (await host.Client.SendAsync(list)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("images");
        Assert.Equal("crm-17", Assert.Single(listed.EnumerateArray()).GetProperty("reference").GetString()); // two events, one image
    }
}
