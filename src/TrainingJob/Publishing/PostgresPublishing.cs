using FaceFunctions.Artifacts;
using FaceFunctions.Index.Postgres;

namespace FaceFunctions.TrainingJob.Publishing;

/// <summary>
/// Publishes a model version's gallery to PostgreSQL (the pgvector backend) once its files are in the model store, and
/// before the store's pointer moves: serving instances of either backend swap only to a version both hold.
/// </summary>
public static class PostgresPublishing
{
    public static async Task PublishAsync(PostgresOptions options, ModelBundle bundle, string manifestSha256, TextWriter log,
        CancellationToken cancellationToken)
    {
        await using var dataSource = await PostgresDataSources.CreateWithVectorsAsync(options, cancellationToken);
        var publisher = new PgVectorPublisher(dataSource, options);
        var started = DateTimeOffset.UtcNow;
        await publisher.PublishAsync(new PgVectorRelease(bundle.Version, manifestSha256, bundle.GalleryVectors, bundle.Dimensions, bundle.Gallery),
            cancellationToken);
        log.WriteLine($"Gallery of {bundle.Version} ({bundle.Gallery.Count} x {bundle.Dimensions}) published to PostgreSQL schema {options.Schema} " +
                      $"and made current in {(DateTimeOffset.UtcNow - started).TotalSeconds:F1} s.");
        var dropped = await publisher.RemoveOldVersionsAsync(cancellationToken);
        if (dropped.Count > 0)
            log.WriteLine($"Dropped from PostgreSQL (keeping {options.KeepVersions}): {string.Join(", ", dropped)}.");
    }
}
