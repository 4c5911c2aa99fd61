using FaceFunctions.Artifacts;
using FaceFunctions.Storage;

namespace FaceFunctions.TrainingJob.Publishing;

/// <summary>
/// Writes model versions into a store: a version's files under their own prefix ("versions/{version}/"), its
/// manifest (SHA-256 of each file) after them, and the pointer current.json last, so a crash leaves the previous model
/// current. Serving only reads (<see cref="ModelRepository"/>).
/// </summary>
public sealed class ModelPublisher(IArtifactStore store)
{
    private readonly ModelRepository _reader = new(store);

    /// <summary>Writes the bundle's files and then its manifest under <paramref name="prefix"/>.</summary>
    public async Task<ModelManifest> WriteVersionAsync(ModelBundle bundle, string prefix, CancellationToken cancellationToken = default)
    {
        var files = new Dictionary<string, BinaryData>
        {
            [ArtifactNames.Model] = new(bundle.Model),
            [ArtifactNames.Preprocessing] = ModelJson.Serialize(bundle.Preprocessing),
            [ArtifactNames.GalleryVectors] = new(Npy.Write(bundle.GalleryVectors, bundle.Gallery.Count, bundle.Dimensions)),
            [ArtifactNames.Gallery] = ModelJson.Serialize(bundle.Gallery),
        };
        foreach (var (name, content) in bundle.Facets.ToFiles())
            files[name] = content;
        if (bundle.Report is not null)
            files[ArtifactNames.Report] = bundle.Report;
        foreach (var (name, content) in files)
            await store.WriteAsync(prefix + name, content, cancellationToken);
        var manifest = new ModelManifest
        {
            Version = bundle.Version,
            CreatedUtc = bundle.CreatedUtc,
            Dimensions = bundle.Dimensions,
            GalleryCount = bundle.Gallery.Count,
            Facets = bundle.FacetNames,
            Artifacts = files.ToDictionary(f => f.Key, f => new ArtifactInfo(ModelRepository.Sha256(f.Value), f.Value.ToMemory().Length)),
            Description = bundle.Description,
        };
        await store.WriteAsync(prefix + ArtifactNames.Manifest, ModelJson.Serialize(manifest), cancellationToken);
        return manifest;
    }

    /// <summary>
    /// Writes a new version under its own prefix, then points current.json at it. <paramref name="beforeActivating"/>
    /// runs in between with the SHA-256 of the version's manifest (publishing elsewhere); if it fails, nothing moves.
    /// </summary>
    public async Task PublishAsync(ModelBundle bundle, Func<string, Task>? beforeActivating = null,
        CancellationToken cancellationToken = default)
    {
        await WriteVersionAsync(bundle, ModelRepository.PrefixOf(bundle.Version), cancellationToken);
        if (beforeActivating is not null)
            await beforeActivating(ModelRepository.Sha256(await _reader.ReadRequiredAsync(ModelRepository.PrefixOf(bundle.Version) + ArtifactNames.Manifest, cancellationToken)));
        await ActivateAsync(bundle.Version, cancellationToken);
    }

    /// <summary>
    /// Points current.json at a version already in the store (a publication, or a rollback), after checking that the
    /// version loads whole: every file present and matching its SHA-256.
    /// </summary>
    public async Task ActivateAsync(string version, CancellationToken cancellationToken = default)
    {
        var manifestName = ModelRepository.PrefixOf(StoredNames.Version(version)) + ArtifactNames.Manifest;
        var manifest = await _reader.ReadRequiredAsync(manifestName, cancellationToken);
        var pointer = new CurrentPointer(version, manifestName, ModelRepository.Sha256(manifest));
        await _reader.LoadVersionAsync(version, pointer.ManifestSha256, cancellationToken: cancellationToken);
        await store.WriteAsync(ArtifactNames.Current, ModelJson.Serialize(pointer), cancellationToken);
    }
}
