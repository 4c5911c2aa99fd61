using FaceFunctions.Artifacts;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Storage;
using FaceFunctions.TrainingJob.Publishing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceFunctions.Tests.Api;

/// <summary>The service fixture's trained model, published again elsewhere: for tests that change what is served.</summary>
public static class FixtureModel
{
    /// <summary>
    /// Publishes the fixture's model as <paramref name="version"/> into another storage account the way the training job
    /// does: images, version, then the pointer (and the database's gallery first, when one is given).
    /// </summary>
    public static async Task PublishAsync(ServiceFixture service, string connectionString, string version, PostgresOptions? database = null)
    {
        var bundle = await new ModelRepository(new FolderArtifactStore(service.ModelFolder)).LoadCurrentAsync();
        var stores = ArtifactStores.Create(new StorageOptions { ConnectionString = connectionString, NetworkTimeout = TimeSpan.FromSeconds(100), MaxRetries = 3 });
        var images = ArtifactStores.ForFolder(service.ModelFolder).Images;
        foreach (var entry in bundle.Gallery.DistinctBy(e => e.Image))
            await stores.Images.WriteAsync(entry.Image, await images.ReadAsync(entry.Image));
        bundle = bundle with { Version = version };
        await new ModelPublisher(stores.Models).PublishAsync(bundle, database is null
            ? null
            : sha => PostgresPublishing.PublishAsync(database, bundle, sha, NullLogger.Instance, CancellationToken.None));
    }
}
