using System.Security.Cryptography;
using FaceFunctions.Storage;

namespace FaceFunctions.Artifacts;

/// <summary>
/// Reads model versions from a store, checking each file against the SHA-256 its manifest gives. A version's files
/// are under their own prefix ("versions/{version}/") and the pointer current.json names the serving one; a folder
/// written by the training job holds one version at its root and no pointer. Only the training job writes them
/// (TrainingJob/Publishing/ModelPublisher).
/// </summary>
public sealed class ModelRepository(IArtifactStore store)
{
    public IArtifactStore Store { get; } = store;

    public static string PrefixOf(string version) => $"{ArtifactNames.VersionsPrefix}{version}/";

    /// <summary>A tag that changes when the current model does (the pointer's, or a folder model's manifest's).</summary>
    public async Task<string?> GetCurrentTagAsync(CancellationToken cancellationToken = default) =>
        await Store.GetVersionTagAsync(ArtifactNames.Current, cancellationToken)
        ?? await Store.GetVersionTagAsync(ArtifactNames.Manifest, cancellationToken);

    /// <summary>Loads the current version, checking every file against the manifest.</summary>
    /// <exception cref="ModelIntegrityException">No model, or one whose files do not match.</exception>
    public async Task<ModelBundle> LoadCurrentAsync(CancellationToken cancellationToken = default)
    {
        if (await Store.ExistsAsync(ArtifactNames.Current, cancellationToken))
            return await LoadAsync(ReadPointer(await Store.ReadAsync(ArtifactNames.Current, cancellationToken)), GalleryFiles.Load, cancellationToken);
        if (await Store.ExistsAsync(ArtifactNames.Manifest, cancellationToken))
            return await LoadManifestAsync(ArtifactNames.Manifest, await Store.ReadAsync(ArtifactNames.Manifest, cancellationToken),
                expectedVersion: null, GalleryFiles.Load, cancellationToken);
        throw new ModelIntegrityException($"No model in {Store.Location}: neither {ArtifactNames.Current} nor {ArtifactNames.Manifest} exists.");
    }

    /// <summary>
    /// Loads a version that another pointer names (the pgvector catalogue) with the SHA-256 of its manifest, checking
    /// every file it reads as <see cref="LoadCurrentAsync"/> does.
    /// </summary>
    public Task<ModelBundle> LoadVersionAsync(string version, string manifestSha256, GalleryFiles gallery = GalleryFiles.Load,
        CancellationToken cancellationToken = default) =>
        LoadAsync(new CurrentPointer(version, PrefixOf(StoredNames.Version(version)) + ArtifactNames.Manifest, manifestSha256), gallery, cancellationToken);

    private async Task<ModelBundle> LoadAsync(CurrentPointer pointer, GalleryFiles gallery, CancellationToken cancellationToken)
    {
        var manifestData = await ReadRequiredAsync(pointer.Manifest, cancellationToken);
        if (Sha256(manifestData) != pointer.ManifestSha256)
            throw new ModelIntegrityException($"The manifest of version {pointer.Version} does not match the SHA-256 in {ArtifactNames.Current}.");
        return await LoadManifestAsync(pointer.Manifest, manifestData, pointer.Version, gallery, cancellationToken);
    }

    /// <summary>current.json, trusted only as far as its version id: the manifest's name is derived from that id.</summary>
    private static CurrentPointer ReadPointer(BinaryData data)
    {
        var pointer = ReadJson<CurrentPointer>(data, ArtifactNames.Current);
        var manifest = PrefixOf(StoredNames.Version(pointer.Version)) + ArtifactNames.Manifest;
        if (pointer.Manifest != manifest)
            throw new ModelIntegrityException($"{ArtifactNames.Current} names the manifest of version {pointer.Version} other than {manifest}.");
        return pointer;
    }

    private async Task<ModelBundle> LoadManifestAsync(string manifestName, BinaryData manifestData, string? expectedVersion,
        GalleryFiles gallery, CancellationToken cancellationToken)
    {
        var manifest = ReadManifest(manifestName, manifestData, expectedVersion);
        var prefix = manifestName[..^ArtifactNames.Manifest.Length];
        var wanted = manifest.Artifacts.Where(a => gallery == GalleryFiles.Load || a.Key is not (ArtifactNames.GalleryVectors or ArtifactNames.Gallery));
        // Downloaded and hashed in parallel: the model file dominates, the rest comes while it does.
        var checkedFiles = await Task.WhenAll(wanted.Select(async artifact =>
        {
            var content = await ReadRequiredAsync(prefix + StoredNames.ArtifactFile(artifact.Key), cancellationToken);
            if (Sha256(content) != artifact.Value?.Sha256)
                throw new ModelIntegrityException($"{prefix + artifact.Key} of version {manifest.Version} does not match its SHA-256 in the manifest.");
            return (artifact.Key, content);
        }));
        var files = checkedFiles.ToDictionary(f => f.Key, f => f.content);

        try
        {
            var bundle = Assemble(manifest, files, gallery);
            ModelBundleChecks.Check(bundle);
            return bundle;
        }
        catch (Exception e) when (e is not ModelIntegrityException and not OperationCanceledException)
        {
            // Whatever a damaged or hostile file makes the readers throw, the version does not serve.
            throw new ModelIntegrityException($"Version {manifest.Version} cannot be read: {e.Message}", e);
        }
    }

    private static ModelManifest ReadManifest(string manifestName, BinaryData manifestData, string? expectedVersion)
    {
        var manifest = ReadJson<ModelManifest>(manifestData, manifestName);
        if (manifest.Format != ModelManifest.CurrentFormat)
            throw new ModelIntegrityException($"Model format '{manifest.Format}' is not '{ModelManifest.CurrentFormat}'.");
        StoredNames.Version(manifest.Version);
        if (expectedVersion is not null && manifest.Version != expectedVersion)
            throw new ModelIntegrityException($"The manifest of version {expectedVersion} says it is version {manifest.Version}.");
        if (manifest.Artifacts is null)
            throw new ModelIntegrityException($"{manifestName} lists no files.");
        return manifest;
    }

    private static ModelBundle Assemble(ModelManifest manifest, Dictionary<string, BinaryData> files, GalleryFiles galleryFiles)
    {
        var (gallery, rows, dimensions) = galleryFiles == GalleryFiles.Load
            ? Npy.Read(Required(files, ArtifactNames.GalleryVectors).ToMemory().Span)
            : ([], 0, manifest.Dimensions);
        var entries = galleryFiles == GalleryFiles.Load
            ? ModelJson.Deserialize<List<GalleryEntry>>(Required(files, ArtifactNames.Gallery), ArtifactNames.Gallery)
            : [];
        var facets = FacetVectors.FromFiles(Required(files, ArtifactNames.Facets), Required(files, ArtifactNames.FacetVectors));
        if (rows != entries.Count || dimensions != manifest.Dimensions || facets.Dimensions != dimensions)
            throw new InvalidDataException("The gallery's vectors, entries and dimensions disagree.");
        return new ModelBundle
        {
            Version = manifest.Version,
            CreatedUtc = manifest.CreatedUtc,
            Model = Required(files, ArtifactNames.Model).ToArray(),
            Preprocessing = ModelJson.Deserialize<Preprocessing>(Required(files, ArtifactNames.Preprocessing), ArtifactNames.Preprocessing),
            GalleryVectors = gallery,
            Dimensions = dimensions,
            Gallery = entries,
            FacetNames = manifest.Facets,
            Facets = facets,
            Report = files.GetValueOrDefault(ArtifactNames.Report),
            Description = manifest.Description,
        };
    }

    /// <summary>A JSON document from storage; one that does not parse refuses the version.</summary>
    private static T ReadJson<T>(BinaryData data, string name)
    {
        try
        {
            return ModelJson.Deserialize<T>(data, name);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ModelIntegrityException($"{name} cannot be read: {e.Message}", e);
        }
    }

    public static string Sha256(BinaryData data) => Convert.ToHexStringLower(SHA256.HashData(data.ToMemory().Span));

    /// <exception cref="ModelIntegrityException">The store has no such file.</exception>
    public async Task<BinaryData> ReadRequiredAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await Store.ReadAsync(name, cancellationToken);
        }
        catch (ArtifactNotFoundException)
        {
            throw new ModelIntegrityException($"{name} is missing from {Store.Location}.");
        }
    }

    private static BinaryData Required(Dictionary<string, BinaryData> files, string name) =>
        files.TryGetValue(name, out var data) ? data : throw new ModelIntegrityException($"The manifest does not list {name}.");
}

/// <summary>Whether a version's gallery (its vectors and entries) is read with the rest of its files.</summary>
public enum GalleryFiles
{
    Load,
    /// <summary>The gallery lives elsewhere (the pgvector backend's table): the bundle holds no gallery rows.</summary>
    Skip,
}
