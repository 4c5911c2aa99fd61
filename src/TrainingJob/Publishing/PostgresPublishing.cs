using FaceFunctions.Artifacts;
using FaceFunctions.Index.Postgres;
using Microsoft.Extensions.Logging;

namespace FaceFunctions.TrainingJob.Publishing;

/// <summary>
/// Publishes a model version's gallery to PostgreSQL (the pgvector backend) once its files are in the model store, and
/// before the store's pointer moves: serving instances of either backend swap only to a version both hold.
/// </summary>
public static class PostgresPublishing
{
    public static async Task PublishAsync(PostgresOptions options, ModelBundle bundle, string manifestSha256, ILogger log,
        CancellationToken cancellationToken)
    {
        await using var dataSource = await PostgresDataSources.CreateWithVectorsAsync(options, cancellationToken);
        var publisher = new PgVectorPublisher(dataSource, options);
        var started = DateTimeOffset.UtcNow;
        await publisher.PublishAsync(new PgVectorRelease(bundle.Version, manifestSha256, bundle.GalleryVectors, bundle.Dimensions, bundle.Gallery,
                bundle.GalleryMedians()),
            cancellationToken);
        log.LogInformation("Gallery of {Version} ({Count} x {Dimensions}) published to PostgreSQL schema {Schema} and made current in {Seconds:F1} s.",
            bundle.Version, bundle.Gallery.Count, bundle.Dimensions, options.Schema, (DateTimeOffset.UtcNow - started).TotalSeconds);
        var dropped = await publisher.RemoveOldVersionsAsync(cancellationToken);
        if (dropped.Count > 0)
            log.LogInformation("Dropped from PostgreSQL (keeping {KeepVersions}): {Dropped}.", options.KeepVersions, string.Join(", ", dropped));
    }
}
