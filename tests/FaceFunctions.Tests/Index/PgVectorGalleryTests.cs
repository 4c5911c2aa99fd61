using FaceFunctions.Index;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Publishing;
using Xunit;

namespace FaceFunctions.Tests.Index;

/// <summary>The gallery contract against a real PostgreSQL with pgvector: each gallery published as the training job does.</summary>
public sealed class PgVectorGalleryTests(PostgresFixture postgres) : GallerySearchContract, IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _dataSources = [];

    protected override async Task<IGallerySearch> CreateAsync(GalleryData data, bool approximate)
    {
        var options = postgres.Options(approximate ? PgVectorSearch.Hnsw : PgVectorSearch.Exact);
        var writer = await PostgresDataSources.CreateWithVectorsAsync(options, CancellationToken.None);
        _dataSources.Add(writer);
        await new PgVectorPublisher(writer, options).PublishAsync(
            new PgVectorRelease("v1", "manifest-sha", data.Vectors, Dimensions, data.Entries, data.Medians()), CancellationToken.None);
        var reader = PostgresDataSources.Create(options);
        _dataSources.Add(reader);
        var current = await PgVectorCatalogue.CurrentAsync(reader, options.Schema, CancellationToken.None);
        Assert.NotNull(current);
        return new PgVectorGallery(reader, options, current);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
            await dataSource.DisposeAsync();
    }
}
