using FaceFunctions.Functions.Api;
using FaceFunctions.GalleryChanges;
using FaceFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Serving;

/// <summary>
/// This instance's copy of the gallery's change log (<see cref="GalleryLog"/>) and the one way to change it: additions
/// and erasures append to the log, then show at once on this instance; other instances read them at their next poll
/// (<see cref="ServingOptions.PollInterval"/>). Everything runs one at a time, so a model's view and the state agree.
/// </summary>
public sealed class GalleryService(ArtifactStores stores, ImageEmbedding images, IOptions<ServingOptions> options, ILogger<GalleryService> logger) : IDisposable
{
    private readonly GalleryLog _log = new(stores.Models);
    private readonly GalleryState _state = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The last change of the log this instance has read.</summary>
    public long Position => _state.Position;

    /// <summary>Reads the changes since the last look; true when there were any.</summary>
    /// <exception cref="StorageUnavailableException">The log cannot be read now.</exception>
    public Task<bool> SyncAsync(CancellationToken cancellationToken) => UnderGateAsync(() => SyncLockedAsync(cancellationToken), cancellationToken);

    /// <summary>
    /// Gives the model a view of the gallery as the log has it now, embedding with it the added images that another
    /// version embedded. <paramref name="strict"/> (a version about to serve): an image that cannot be embedded again
    /// fails the call; otherwise (the poll) it is left out and logged, so that one bad image holds back no other change.
    /// </summary>
    public Task ShowAsync(ServingModel model, bool strict, CancellationToken cancellationToken) =>
        UnderGateAsync(() => ShowLockedAsync(model, strict, cancellationToken), cancellationToken);

    /// <summary>
    /// Stores the image, appends its addition and shows it on <paramref name="model"/>. An id already live is not added
    /// again (an ingestion event delivered twice): its change is answered as it is.
    /// </summary>
    public Task<GalleryChange> AddAsync(ServingModel model, AddedImage added, byte[] png, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            if (_state.TryGetAddition(added.Id, out var existing))
                return existing;
            // The image first: a crash between the two leaves an image no change names, never a change without its image.
            await stores.Images.WriteAsync(added.Image, new BinaryData(png), cancellationToken);
            var change = await AppendLockedAsync(sequence => new GalleryChange(sequence, added), cancellationToken,
                () => _state.TryGetAddition(added.Id, out var appended) ? appended : null);
            await ShowLockedAsync(model, strict: false, cancellationToken);
            await CompactIfDueLockedAsync(cancellationToken);
            return change;
        }, cancellationToken);

    /// <summary>
    /// Erases an image, trained or added: an erasure in the log, the addition's own change redacted (or the snapshot
    /// that holds it rewritten), and its PNG deleted unless another live image shares it. False when no live image has the id.
    /// </summary>
    public Task<bool> EraseAsync(ServingModel model, string id, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            await SyncLockedAsync(cancellationToken);
            await ShowLockedAsync(model, strict: false, cancellationToken);
            return await EraseLockedAsync(model, id, cancellationToken);
        }, cancellationToken);

    /// <summary>Erases every live image the tenant added ("delete everything of mine"), one erasure each; answers how many.</summary>
    public Task<int> EraseTenantAsync(ServingModel model, string tenant, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            await SyncLockedAsync(cancellationToken);
            await ShowLockedAsync(model, strict: false, cancellationToken);
            var owned = _state.Freeze().Additions.Where(a => a.Added!.Tenant == tenant).Select(a => a.Added!.Id).ToList();
            foreach (var id in owned)
                await EraseLockedAsync(model, id, cancellationToken);
            return owned.Count;
        }, cancellationToken);

    private async Task<bool> EraseLockedAsync(ServingModel model, string id, CancellationToken cancellationToken)
    {
        if (await model.View.FindAsync(id, cancellationToken) is not { Image: var found })
            return false;
        var addedAt = found.Addition?.Sequence ?? 0;
        await AppendLockedAsync(sequence => new GalleryChange(sequence, Erased: id), cancellationToken);
        if (found.Addition is not null && addedAt > _state.SnapshotThrough)
            await _log.RedactAsync(addedAt, cancellationToken);
        else if (found.Addition is not null)
            await CompactLockedAsync(cancellationToken); // the snapshot that holds the addition is replaced by one without
        await CompactIfDueLockedAsync(cancellationToken);
        await ShowLockedAsync(model, strict: false, cancellationToken);
        if (!await model.View.HoldsImageAsync(found.Entry.Image, cancellationToken))
            await stores.Images.DeleteAsync(found.Entry.Image, cancellationToken);
        return true;
    }

    private async Task<T> UnderGateAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task UnderGateAsync(Func<Task> work, CancellationToken cancellationToken) =>
        UnderGateAsync(async () =>
        {
            await work();
            return true;
        }, cancellationToken);

    private async Task<bool> SyncLockedAsync(CancellationToken cancellationToken)
    {
        var read = await _log.ReadSinceAsync(_state.Position, cancellationToken);
        foreach (var name in read.Rejected)
            logger.LogError("The gallery change {Name} in {Location} is not a valid change; it is skipped.", name, _log.Store.Location);
        if (read.Restart is { } snapshot)
            _state.Restart(snapshot);
        foreach (var change in read.Changes)
            _state.Apply(change);
        return read.Restart is not null || read.Changes.Count > 0;
    }

    /// <summary>
    /// Appends the change under the next free number, reading what others appended meanwhile. No read comes first: a
    /// number taken by another writer says that there is something to read. <paramref name="done"/> answers a change
    /// already in the log that makes this one needless (the same addition, appended by another instance).
    /// </summary>
    private async Task<GalleryChange> AppendLockedAsync(Func<long, GalleryChange> make, CancellationToken cancellationToken,
        Func<GalleryChange?>? done = null)
    {
        while (true)
        {
            if (done?.Invoke() is { } already)
                return already;
            var change = make(_state.Position + 1);
            if (await _log.TryAppendAsync(change, cancellationToken))
            {
                _state.Apply(change);
                return change;
            }
            await SyncLockedAsync(cancellationToken);
        }
    }

    private async Task CompactIfDueLockedAsync(CancellationToken cancellationToken)
    {
        if (_state.Position - _state.SnapshotThrough >= options.Value.GalleryCompactAfter)
            await CompactLockedAsync(cancellationToken);
    }

    private async Task CompactLockedAsync(CancellationToken cancellationToken)
    {
        var snapshot = _state.Snapshot();
        await _log.CompactAsync(snapshot, cancellationToken);
        _state.Compacted(snapshot.Through);
        logger.LogInformation("Compacted the gallery's change log through change {Through}: {Additions} added images, {Erased} trained images erased.",
            snapshot.Through, snapshot.Additions.Count, snapshot.ErasedTrainingIds.Count);
    }

    private async Task ShowLockedAsync(ServingModel model, bool strict, CancellationToken cancellationToken)
    {
        var contents = _state.Freeze();
        if (model.ShownPosition == contents.Position)
            return;
        var kept = new List<GalleryChange>(contents.Additions.Count);
        var vectors = new List<float>(contents.Additions.Count * model.Bundle.Dimensions);
        foreach (var change in contents.Additions)
        {
            try
            {
                vectors.AddRange(await VectorOfAsync(model, change.Added!, cancellationToken));
                kept.Add(change);
            }
            catch (InvalidDataException e) when (!strict)
            {
                logger.LogError("Added image {Id} is left out of version {Version}: {Error}", change.Added!.Id, model.Bundle.Version, e.Message);
            }
        }
        model.Show(await GalleryView.CreateAsync(model.Trained, contents with { Additions = kept }, vectors.ToArray(), cancellationToken));
    }

    /// <summary>The added image's vector from this model: the stored one when this version embedded it, else embedded again from its PNG.</summary>
    /// <exception cref="InvalidDataException">The PNG is missing or cannot be embedded.</exception>
    private async Task<float[]> VectorOfAsync(ServingModel model, AddedImage added, CancellationToken cancellationToken)
    {
        if (added.ModelVersion == model.Bundle.Version && added.Vector.Length == sizeof(float) * model.Bundle.Dimensions)
            return added.Floats();
        if (model.Reembedded.TryGetValue(added.Id, out var known))
            return known;
        BinaryData png;
        try
        {
            png = await stores.Images.ReadAsync(added.Image, cancellationToken);
        }
        catch (ArtifactNotFoundException)
        {
            throw new InvalidDataException($"its image {added.Image} is missing from {stores.Images.Location}.");
        }
        var embedded = await images.EmbedAsync(model, png.ToArray(), wholeImage: true, cancellationToken);
        if (embedded.Vector is null)
            throw new InvalidDataException($"its image {added.Image} cannot be embedded again.");
        return model.Reembedded[added.Id] = embedded.Vector;
    }

    public void Dispose() => _gate.Dispose();
}
