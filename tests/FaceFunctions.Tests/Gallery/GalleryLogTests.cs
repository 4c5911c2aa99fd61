using FaceFunctions.Artifacts;
using FaceFunctions.GalleryChanges;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Infrastructure;
using Xunit;

namespace FaceFunctions.Tests.Gallery;

/// <summary>The change log on both stores: a folder, and Blob Storage (Azurite over HTTP).</summary>
public sealed class GalleryLogTests
{
    private static AddedImage Added(string id, params float[] vector) => new()
    {
        Id = id, Labels = new Dictionary<string, string> { ["person"] = "NEW" }, Image = new string('a', 64) + ".png",
        AddedUtc = DateTimeOffset.UnixEpoch, ModelVersion = "v1", Vector = AddedImage.BytesOf(vector),
    };

    public static IEnumerable<object[]> Stores() => [["folder"], ["blob"]];

    /// <summary>A log on a store of the kind named; disposing it stops what the store needs.</summary>
    private sealed class LogOnStore(IArtifactStore store, IDisposable? folder, Azurite? azurite) : IAsyncDisposable
    {
        public IArtifactStore Store { get; } = store;
        public GalleryLog Log { get; } = new(store);

        public static async Task<LogOnStore> StartAsync(string kind)
        {
            if (kind == "folder")
            {
                var folder = new TempFolder();
                return new LogOnStore(new FolderArtifactStore(folder.Path), folder, null);
            }
            var azurite = await Azurite.StartAsync();
            return new LogOnStore(ArtifactStores.Create(new StorageOptions { ConnectionString = azurite.ConnectionString }).Models, null, azurite);
        }

        public async ValueTask DisposeAsync()
        {
            folder?.Dispose();
            if (azurite is not null)
                await azurite.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Of_two_writers_taking_one_number_exactly_one_wins(string kind)
    {
        await using var on = await LogOnStore.StartAsync(kind);
        var (store, log) = (on.Store, on.Log);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => log.TryAppendAsync(new GalleryChange(1, Added($"id{i}", i)), default)));
        Assert.Equal(1, results.Count(won => won));
        var read = await log.ReadSinceAsync(0, default);
        var winner = Array.IndexOf(results, true);
        Assert.Equal($"id{winner}", Assert.Single(read.Changes).Added!.Id);
        Assert.Equal([(float)winner], read.Changes[0].Added!.Floats());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_reader_behind_a_compaction_restarts_from_the_snapshot_and_loses_nothing(string kind)
    {
        await using var on = await LogOnStore.StartAsync(kind);
        var (store, log) = (on.Store, on.Log);
        var writer = new GalleryState();
        foreach (var change in new[] { new GalleryChange(1, Added("a", 1)), new GalleryChange(2, Added("b", 2)), new GalleryChange(3, Erased: "trained-1"), new GalleryChange(4, Erased: "a") })
        {
            Assert.True(await log.TryAppendAsync(change, default));
            writer.Apply(change);
        }
        var reader = new GalleryState();
        Apply(reader, await log.ReadSinceAsync(0, default));
        await log.CompactAsync(writer.Snapshot(), default);
        Assert.True(await log.TryAppendAsync(new GalleryChange(5, Added("c", 3)), default));

        var late = new GalleryState();
        var read = await log.ReadSinceAsync(0, default);
        Assert.Equal(4, read.Restart!.Through);
        Apply(late, read);
        Apply(reader, await log.ReadSinceAsync(reader.Position, default));
        foreach (var state in new[] { late, reader })
        {
            var contents = state.Freeze();
            Assert.Equal(5, contents.Position);
            Assert.Equal(["b", "c"], contents.Additions.Select(a => a.Added!.Id));
            Assert.Equal(["trained-1"], contents.ErasedTrainingIds);
        }
        Assert.DoesNotContain(GalleryLog.ChangeName(1), await store.ListAsync(GalleryLog.Prefix));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_hostile_change_is_skipped_and_reported_and_the_changes_after_it_still_apply(string kind)
    {
        await using var on = await LogOnStore.StartAsync(kind);
        var (store, log) = (on.Store, on.Log);
        await store.WriteAsync(GalleryLog.ChangeName(1), new BinaryData("{\"sequence\": 1, \"added\": {\"id\": \"../../x\"}}"u8.ToArray()));
        await store.WriteAsync(GalleryLog.ChangeName(2), new BinaryData("not json"u8.ToArray()));
        await store.WriteAsync(GalleryLog.ChangeName(3), ModelJson.Serialize(new GalleryChange(3, Added("bad", float.NaN))));
        Assert.True(await log.TryAppendAsync(new GalleryChange(4, Added("good", 1)), default));
        var read = await log.ReadSinceAsync(0, default);
        Assert.Equal([GalleryLog.ChangeName(1), GalleryLog.ChangeName(2), GalleryLog.ChangeName(3)], read.Rejected);
        var state = new GalleryState();
        Apply(state, read);
        Assert.Equal(["good"], state.Freeze().Additions.Select(a => a.Added!.Id));
        Assert.Equal(4, state.Position);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_redacted_addition_keeps_its_number_and_nothing_else(string kind)
    {
        await using var on = await LogOnStore.StartAsync(kind);
        var (store, log) = (on.Store, on.Log);
        Assert.True(await log.TryAppendAsync(new GalleryChange(1, Added("a", 1)), default));
        await log.RedactAsync(1, default);
        var text = (await store.ReadAsync(GalleryLog.ChangeName(1))).ToString();
        Assert.DoesNotContain("NEW", text);
        Assert.DoesNotContain("\"a\"", text);
        Assert.False(await log.TryAppendAsync(new GalleryChange(1, Added("b", 2)), default));
    }

    private static void Apply(GalleryState state, GalleryLogRead read)
    {
        if (read.Restart is { } snapshot)
            state.Restart(snapshot);
        foreach (var change in read.Changes)
            state.Apply(change);
    }
}
