using System.Globalization;
using FaceFunctions.Artifacts;
using FaceFunctions.Storage;

namespace FaceFunctions.GalleryChanges;

/// <summary>
/// The gallery's change log in the model store, beside the versions it outlives: one small blob per change
/// (gallery/changes/{sequence}.json), each created only if its name is free (If-None-Match: *), so that of two writers
/// that take the same number one wins and the other reads and tries the next; and snapshots
/// (gallery/snapshots/{through}.json) that fold the changes up to a number, after which those changes are deleted.
/// Readers list the prefix once per look, take the newest snapshot when it is ahead of them, then the changes after.
/// Every blob is hostile until checked (<see cref="GalleryChangeChecks"/>); one that fails is skipped and reported.
/// </summary>
public sealed class GalleryLog(IArtifactStore store)
{
    public const string Prefix = "gallery/";
    public const string ChangesPrefix = Prefix + "changes/";
    public const string SnapshotsPrefix = Prefix + "snapshots/";

    public IArtifactStore Store { get; } = store;

    public static string ChangeName(long sequence) => $"{ChangesPrefix}{sequence:D12}.json";
    public static string SnapshotName(long through) => $"{SnapshotsPrefix}{through:D12}.json";

    /// <summary>What is new after <paramref name="position"/>: a snapshot to restart from when one is ahead, then the changes after.</summary>
    public async Task<GalleryLogRead> ReadSinceAsync(long position, CancellationToken cancellationToken)
    {
        var names = await Store.ListAsync(Prefix, cancellationToken);
        var snapshots = Numbered(names, SnapshotsPrefix);
        GallerySnapshot? restart = null;
        var rejected = new List<string>();
        if (snapshots.Count > 0 && snapshots[^1] > position)
        {
            var name = SnapshotName(snapshots[^1]);
            // Snapshots are written whole and never changed, so one that fails holds back the gallery until it is fixed.
            restart = Parse<GallerySnapshot>(await ReadOrNullAsync(name, cancellationToken)
                                             ?? throw new InvalidDataException($"{name} was deleted while it was the newest snapshot."));
            if (restart is null || GalleryChangeChecks.Why(restart) is not null || restart.Through != snapshots[^1])
                throw new InvalidDataException($"{name} cannot be read: {(restart is null ? "it is not a snapshot" : GalleryChangeChecks.Why(restart) ?? "its number differs")}.");
            position = restart.Through;
        }
        var changes = new List<GalleryChange>();
        foreach (var sequence in Numbered(names, ChangesPrefix).Where(s => s > position))
        {
            var data = await ReadOrNullAsync(ChangeName(sequence), cancellationToken);
            if (data is null)
                break; // compacted away since the listing: the next look restarts from the snapshot
            var change = Parse<GalleryChange>(data);
            if (change is null || change.Sequence != sequence || GalleryChangeChecks.Why(change) is not null)
            {
                rejected.Add(ChangeName(sequence));
                change = new GalleryChange(sequence, Redacted: true);
            }
            changes.Add(change);
        }
        return new GalleryLogRead(restart, changes, rejected);
    }

    /// <summary>Writes the change under its number unless another writer took it first (then false: read, and try the next).</summary>
    public Task<bool> TryAppendAsync(GalleryChange change, CancellationToken cancellationToken) =>
        Store.TryCreateAsync(ChangeName(change.Sequence), ModelJson.Serialize(change), cancellationToken);

    /// <summary>Replaces an addition's blob by a redacted one: its labels, reference and vector are gone from storage.</summary>
    public Task RedactAsync(long sequence, CancellationToken cancellationToken) =>
        Store.WriteAsync(ChangeName(sequence), ModelJson.Serialize(new GalleryChange(sequence, Redacted: true)), cancellationToken);

    /// <summary>Stores the snapshot, then deletes the changes it folds and the older snapshots.</summary>
    public async Task CompactAsync(GallerySnapshot snapshot, CancellationToken cancellationToken)
    {
        await Store.TryCreateAsync(SnapshotName(snapshot.Through), ModelJson.Serialize(snapshot), cancellationToken);
        var names = await Store.ListAsync(Prefix, cancellationToken);
        foreach (var sequence in Numbered(names, ChangesPrefix).Where(s => s <= snapshot.Through))
            await Store.DeleteAsync(ChangeName(sequence), cancellationToken);
        foreach (var through in Numbered(names, SnapshotsPrefix).Where(s => s < snapshot.Through))
            await Store.DeleteAsync(SnapshotName(through), cancellationToken);
    }

    /// <summary>The numbers of the blobs named prefix + twelve digits + ".json", ascending; other names are ignored.</summary>
    private static List<long> Numbered(IReadOnlyList<string> names, string prefix) =>
        names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal) && n.Length == prefix.Length + 17)
            .Select(n => long.TryParse(n.AsSpan(prefix.Length, 12), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : -1)
            .Where(s => s > 0)
            .Order()
            .ToList();

    private async Task<BinaryData?> ReadOrNullAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await Store.ReadAsync(name, cancellationToken);
        }
        catch (ArtifactNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The blob as JSON of <typeparamref name="T"/>; null when it is not.</summary>
    private static T? Parse<T>(BinaryData data) where T : class
    {
        try
        {
            return ModelJson.Deserialize<T>(data, typeof(T).Name);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or NotSupportedException)
        {
            return null;
        }
    }
}

/// <summary>What one look at the log found: a snapshot to restart from (or null), the changes after, and blobs skipped as unreadable.</summary>
public sealed record GalleryLogRead(GallerySnapshot? Restart, IReadOnlyList<GalleryChange> Changes, IReadOnlyList<string> Rejected);
