using FaceFunctions.Artifacts;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace FaceFunctions.TrainingJob.Publishing;

/// <summary>
/// The publish stage: a model version into Blob Storage (gallery images first, then the version's files, the pointer
/// last) and, where named, its gallery into PostgreSQL before the pointer moves.
/// </summary>
public static class StorePublishing
{
    public static async Task PublishAsync(ModelBundle bundle, IReadOnlyDictionary<string, byte[]> images, ArtifactStores stores,
        PostgresOptions? postgres, ILogger log, CancellationToken cancellationToken)
    {
        await GalleryImages.UploadAsync(stores.Images, images, cancellationToken);
        await new ModelPublisher(stores.Models).PublishAsync(bundle, postgres is null ? null
            : manifestSha256 => PostgresPublishing.PublishAsync(postgres, bundle, manifestSha256, log, cancellationToken), cancellationToken);
        log.LogInformation("Model {Version} published to {Models}; images in {Images}.", bundle.Version, stores.Models.Location, stores.Images.Location);
    }

    /// <summary>A version folder written by train or export, checked whole (every file against its SHA-256) before anything is sent.</summary>
    public static async Task PublishFolderAsync(string folder, ArtifactStores stores, PostgresOptions? postgres, ILogger log,
        CancellationToken cancellationToken)
    {
        var local = ArtifactStores.ForFolder(folder);
        var bundle = await new ModelRepository(local.Models).LoadCurrentAsync(cancellationToken);
        var images = new Dictionary<string, byte[]>();
        foreach (var name in bundle.Gallery.Select(e => e.Image).Distinct())
            images[name] = (await local.Images.ReadAsync(name, cancellationToken)).ToArray();
        await PublishAsync(bundle, images, stores, postgres, log, cancellationToken);
    }
}
