using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceFunctions.GalleryChanges;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Api;
using FaceFunctions.Tests.Infrastructure;
using Xunit;
using static FaceFunctions.Tests.Gallery.GalleryClient;

namespace FaceFunctions.Tests.Gallery;

/// <summary>An instance killed while additions are in flight: each addition is afterwards whole (listed, its image there) or absent.</summary>
[Collection(ServiceCollection.Name)]
public sealed class CrashTests(ServiceFixture service)
{
    [Fact]
    public async Task Additions_in_flight_when_the_process_is_killed_are_whole_or_absent_and_every_acknowledged_one_is_whole()
    {
        await using var azurite = await Azurite.StartAsync();
        await FixtureModel.PublishAsync(service, azurite.ConnectionString, "v1");
        var acknowledged = new List<string>();
        using (var doomed = HostProcess.Start("--Storage:ConnectionString", azurite.ConnectionString))
        {
            await doomed.WaitUntilAsync(async c => (await c.GetAsync("/api/health")).IsSuccessStatusCode);
            var additions = Enumerable.Range(0, 32).Select(async i =>
            {
                await Task.Delay(i * 15);
                try
                {
                    using var response = await doomed.Client.PostAsync("/api/gallery/form?wholeImage=true", Form(Face("EN", "AN", 10 + i), new { person = "EN" }));
                    if (response.StatusCode != HttpStatusCode.Created) return;
                    var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                    lock (acknowledged) acknowledged.Add(id);
                }
                catch (HttpRequestException) { } // cut off by the kill
            }).ToList();
            while (true)
            {
                lock (acknowledged)
                    if (acknowledged.Count >= 4) break;
                await Task.Delay(5);
            }
            doomed.Kill();
            await Task.WhenAll(additions);
        }
        Assert.InRange(acknowledged.Count, 4, 31); // killed in the middle: some answered, not all

        var read = await new GalleryLog(ArtifactStores.Create(new StorageOptions { ConnectionString = azurite.ConnectionString }).Models).ReadSinceAsync(0, default);
        Assert.Empty(read.Rejected); // no change blob was left half written
        var (host, client) = await LocalApi.StartAsync(azurite.ConnectionString);
        await using var _ = host;
        await ServiceFixture.WaitForModelAsync(client);
        var listed = (await GetAsync(client, "/api/gallery?filter=person:EN&limit=1000")).GetProperty("images").EnumerateArray()
            .Where(i => i.GetProperty("source").GetString() == "added").Select(i => i.GetProperty("id").GetString()!).ToList();
        Assert.Subset(listed.ToHashSet(), acknowledged.ToHashSet());
        foreach (var id in listed)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/images/{id}")).StatusCode);
    }
}
