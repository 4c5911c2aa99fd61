using FaceFunctions.Artifacts;
using FaceFunctions.Index;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceFunctions.Functions.Serving;

/// <summary>Where the loader learns which version serves, and how it gets that version and a search over its gallery.</summary>
public interface IModelSource
{
    /// <summary>Where the pointer lives, for the log.</summary>
    string Location { get; }

    /// <summary>A tag that changes when the current version does; null while nothing is published.</summary>
    /// <exception cref="StorageUnavailableException">The pointer cannot be read.</exception>
    Task<string?> GetCurrentTagAsync(CancellationToken cancellationToken);

    /// <summary>The current version's model and trained gallery.</summary>
    /// <exception cref="ModelIntegrityException">The version fails its checks.</exception>
    Task<ITrainedGallery> LoadCurrentAsync(CancellationToken cancellationToken);
}

/// <summary>The in-process backend: current.json in the model store points, and the gallery is indexed in memory.</summary>
public sealed class StorageModelSource(ArtifactStores stores, IOptions<ServingOptions> options) : IModelSource
{
    private readonly ModelRepository _repository = new(stores.Models);

    public string Location => stores.Models.Location;

    public Task<string?> GetCurrentTagAsync(CancellationToken cancellationToken) => _repository.GetCurrentTagAsync(cancellationToken);

    public async Task<ITrainedGallery> LoadCurrentAsync(CancellationToken cancellationToken)
    {
        var bundle = await _repository.LoadCurrentAsync(cancellationToken);
        var index = options.Value.Index.Create(bundle.GalleryVectors, bundle.Dimensions);
        return new InMemoryTrainedGallery(bundle, new InProcessGallery(index, bundle.GalleryVectors, bundle.Dimensions, bundle.Gallery));
    }
}

/// <summary>
/// The pgvector backend: the catalogue's <c>current</c> row points (the training job moves it in the transaction that
/// completes a gallery), the model's files come from the model store checked against the manifest's SHA-256 the
/// catalogue holds, all but the gallery's: the version's table is the gallery, searched and read where it is.
/// </summary>
public sealed class PgVectorModelSource(ArtifactStores stores, NpgsqlDataSource dataSource, IOptions<PostgresOptions> options) : IModelSource
{
    private readonly ModelRepository _repository = new(stores.Models);

    public string Location { get; } = Describe(options.Value, stores);

    public async Task<string?> GetCurrentTagAsync(CancellationToken cancellationToken) =>
        await CurrentAsync(cancellationToken) is { } current ? $"{current.Version}:{current.ManifestSha256}" : null;

    public async Task<ITrainedGallery> LoadCurrentAsync(CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(cancellationToken)
            ?? throw new ModelIntegrityException("PostgreSQL holds no published gallery.");
        var bundle = await _repository.LoadVersionAsync(current.Version, current.ManifestSha256, GalleryFiles.Skip, cancellationToken);
        if (current.Dimensions != bundle.Dimensions)
            throw new ModelIntegrityException($"Version {current.Version}'s gallery in PostgreSQL has {current.Dimensions} dimensions, its model {bundle.Dimensions}.");
        var rows = new PgVectorRows(dataSource, options.Value, current);
        if (!await rows.HasImagesAsync(cancellationToken))
            throw new ModelIntegrityException($"Version {current.Version}'s table in PostgreSQL was published before tables kept image names; publish the version again.");
        return new PgVectorTrainedGallery(bundle, new PgVectorGallery(dataSource, options.Value, current), rows);
    }

    /// <summary>Server, database and schema, never the password.</summary>
    private static string Describe(PostgresOptions options, ArtifactStores stores)
    {
        var connection = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        return $"PostgreSQL {connection.Host}:{connection.Port}/{connection.Database} (schema {options.Schema}) with the model files of {stores.Models.Location}";
    }

    private async Task<PgVectorVersion?> CurrentAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await PgVectorCatalogue.CurrentAsync(dataSource, options.Value.Schema, cancellationToken);
        }
        catch (NpgsqlException e) // the network, a timeout, sign-in or permissions
        {
            throw new StorageUnavailableException(Location, "current", e);
        }
    }
}
