using FaceFunctions.Artifacts;
using FaceFunctions.Index;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Publishing;
using Npgsql;
using Xunit;

namespace FaceFunctions.Tests.Index;

/// <summary>Publishing to a real PostgreSQL: atomic, refused twice, old versions dropped, rollbacks, least privilege.</summary>
public sealed class PgVectorPublisherTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const int Dimensions = 8;

    private static PgVectorRelease Release(string version, int count, int seed, Func<int, string>? id = null)
    {
        var data = GalleryData.Draw(count, 1, Dimensions, seed);
        var entries = data.Entries.Select((e, row) => id is null ? e : e with { Id = id(row) })
            .Select(e => e with { Image = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(e.Id))) + ".png" })
            .ToList();
        return new PgVectorRelease(version, $"sha-of-{version}", data.Vectors, Dimensions, entries, data.Medians());
    }

    private static async Task<(NpgsqlDataSource Writer, PgVectorPublisher Publisher)> PublisherAsync(PostgresOptions options)
    {
        var writer = await PostgresDataSources.CreateWithVectorsAsync(options, CancellationToken.None);
        return (writer, new PgVectorPublisher(writer, options));
    }

    private static async Task<IReadOnlyList<string>> TablesAsync(NpgsqlDataSource dataSource, string schema)
    {
        await using var command = dataSource.CreateCommand("SELECT tablename FROM pg_tables WHERE schemaname = @schema ORDER BY tablename");
        command.Parameters.AddWithValue("schema", schema);
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        return tables;
    }

    [Fact]
    public async Task A_failed_publication_leaves_the_old_version_current_and_nothing_behind()
    {
        var options = postgres.Options();
        var (writer, publisher) = await PublisherAsync(options);
        await using var _ = writer;
        await publisher.PublishAsync(Release("v1", 50, seed: 1), CancellationToken.None);
        var before = await TablesAsync(writer, options.Schema);

        // Two images with one id: the unique index refuses the COPY halfway through.
        var broken = Release("v2", 50, seed: 2, id: row => row == 40 ? "img00000" : $"img{row:D5}");
        await Assert.ThrowsAsync<PostgresException>(() => publisher.PublishAsync(broken, CancellationToken.None));
        // Cancelled while it works (the rows stream, then the index builds): the transaction rolls back.
        var large = Release("v3", 200_000, seed: 3);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var cancelled = await Assert.ThrowsAnyAsync<Exception>(() => publisher.PublishAsync(large, cancel.Token));
        Assert.True(cancelled is OperationCanceledException || cancelled.InnerException is OperationCanceledException
            || cancelled is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled }, cancelled.ToString());

        var current = await PgVectorCatalogue.CurrentAsync(writer, options.Schema, CancellationToken.None);
        Assert.Equal(("v1", "sha-of-v1", 50), (current!.Version, current.ManifestSha256, current.Count));
        Assert.Equal(before, await TablesAsync(writer, options.Schema));
        await using var connection = await writer.OpenConnectionAsync();
        Assert.Equal(["v1"], (await PgVectorCatalogue.VersionsAsync(connection, options.Schema, CancellationToken.None)).Select(v => v.Version));
    }

    [Fact]
    public async Task A_version_is_published_once_and_old_ones_go_by_retention_while_rollbacks_reach_the_kept_ones()
    {
        var options = postgres.Options(keepVersions: 2);
        var (writer, publisher) = await PublisherAsync(options);
        await using var _ = writer;
        foreach (var version in new[] { "v1", "v2", "v3", "v4" })
            await publisher.PublishAsync(Release(version, 30, seed: version[1]), CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishAsync(Release("v4", 30, seed: 9), CancellationToken.None));

        Assert.Equal(["v2", "v1"], await publisher.RemoveOldVersionsAsync(CancellationToken.None));
        await using (var connection = await writer.OpenConnectionAsync())
            Assert.Equal(["v4", "v3"], (await PgVectorCatalogue.VersionsAsync(connection, options.Schema, CancellationToken.None)).Select(v => v.Version));
        Assert.Equal(new[] { "current", PgVectorCatalogue.TableOf("v3"), PgVectorCatalogue.TableOf("v4"), "versions" }.Order(StringComparer.Ordinal),
            await TablesAsync(writer, options.Schema));

        await publisher.ActivateAsync("v3", CancellationToken.None);
        Assert.Equal("v3", (await PgVectorCatalogue.CurrentAsync(writer, options.Schema, CancellationToken.None))!.Version);
        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.ActivateAsync("v1", CancellationToken.None));
        // The current version is kept even when it is not among the newest.
        await publisher.PublishAsync(Release("v5", 30, seed: 5), CancellationToken.None);
        await publisher.ActivateAsync("v3", CancellationToken.None);
        Assert.Equal(["v4"], await publisher.RemoveOldVersionsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_reader_role_may_search_and_erase_rows_and_change_nothing_else()
    {
        var role = "reader_" + Guid.NewGuid().ToString("N")[..8];
        await postgres.ExecuteAsync($"CREATE ROLE {role} LOGIN");
        var options = postgres.Options();
        options.ReaderRole = role;
        var (writer, publisher) = await PublisherAsync(options);
        await using var _ = writer;
        var release = Release("v1", 40, seed: 4);
        await publisher.PublishAsync(release, CancellationToken.None);

        var readerOptions = postgres.Options();
        readerOptions.Schema = options.Schema;
        readerOptions.ConnectionString = postgres.Server.ConnectionString.Replace("Username=postgres", $"Username={role}");
        await using var reader = PostgresDataSources.Create(readerOptions);
        var current = await PgVectorCatalogue.CurrentAsync(reader, options.Schema, CancellationToken.None);
        var hits = await new PgVectorGallery(reader, readerOptions, current!).SearchAsync(release.Vectors.AsMemory(0, Dimensions), 1, null, CancellationToken.None);
        Assert.Equal(0, hits.Single().Row);
        await new PgVectorRows(reader, readerOptions, current!).EraseEverywhereAsync([release.Entries[0].Id], CancellationToken.None);
        Assert.NotEqual(0, (await new PgVectorGallery(reader, readerOptions, current!).SearchAsync(release.Vectors.AsMemory(0, Dimensions), 1, null, CancellationToken.None)).Single().Row);

        foreach (var sql in new[]
                 {
                     $"UPDATE {options.Schema}.{current!.Table} SET labels = '{{}}'", $"DELETE FROM {options.Schema}.versions",
                     $"UPDATE {options.Schema}.current SET version = 'v1'",
                     $"DROP TABLE {options.Schema}.{current.Table}", $"CREATE TABLE {options.Schema}.intruder (x int)",
                 })
        {
            await using var command = reader.CreateCommand(sql);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
    }

    [Fact]
    public async Task On_azure_the_reader_role_is_made_for_its_principals_object_id_not_its_display_name()
    {
        // Azure Database for PostgreSQL's two functions that make a role of an Entra principal, with their documented
        // signatures; each makes a login role and notes whom it stands for. Dropped at the end: the class's other
        // tests run after this one on the same server, and they make their roles themselves.
        await postgres.ExecuteAsync("""
            CREATE TABLE public.entra_principals (role text, object_id text, object_type text);
            CREATE FUNCTION public.pgaadauth_create_principal(role text, is_admin boolean, is_mfa boolean) RETURNS text LANGUAGE plpgsql AS $$
              BEGIN EXECUTE format('CREATE ROLE %I LOGIN', role); INSERT INTO public.entra_principals VALUES (role, NULL, NULL); RETURN role; END $$;
            CREATE FUNCTION public.pgaadauth_create_principal_with_oid(role text, object_id text, object_type text, is_admin boolean, is_mfa boolean) RETURNS text LANGUAGE plpgsql AS $$
              BEGIN EXECUTE format('CREATE ROLE %I LOGIN', role); INSERT INTO public.entra_principals VALUES (role, object_id, object_type); RETURN role; END $$;
            """);
        try
        {
            var options = postgres.Options();
            options.ReaderRole = "facefn-api-identity-" + Guid.NewGuid().ToString("N")[..6];
            options.ReaderObjectId = Guid.NewGuid();
            var (writer, publisher) = await PublisherAsync(options);
            await using var _ = writer;
            await publisher.PublishAsync(Release("v1", 10, seed: 6), CancellationToken.None);

            await using var command = writer.CreateCommand("SELECT role, object_id, object_type FROM public.entra_principals");
            await using var rows = await command.ExecuteReaderAsync();
            Assert.True(await rows.ReadAsync());
            Assert.Equal((options.ReaderRole, options.ReaderObjectId.ToString(), "service"), (rows.GetString(0), rows.GetString(1), rows.GetString(2)));
            Assert.False(await rows.ReadAsync());
        }
        finally
        {
            await postgres.ExecuteAsync("""
                DROP FUNCTION public.pgaadauth_create_principal(text, boolean, boolean);
                DROP FUNCTION public.pgaadauth_create_principal_with_oid(text, text, text, boolean, boolean);
                DROP TABLE public.entra_principals;
                """);
        }
    }

    [Fact]
    public void An_object_id_without_the_role_it_belongs_to_is_refused()
    {
        var options = postgres.Options();
        options.ReaderObjectId = Guid.NewGuid();
        Assert.Contains("ReaderRole", Assert.Throws<ArgumentException>(options.Validate).Message);
    }

    [Fact]
    public async Task A_database_that_goes_away_makes_searches_unavailable_not_failed()
    {
        await using var server = await Postgres.StartAsync();
        var options = postgres.Options();
        options.ConnectionString = server.ConnectionString;
        var (writer, publisher) = await PublisherAsync(options);
        await using var _ = writer;
        var release = Release("v1", 20, seed: 6);
        await publisher.PublishAsync(release, CancellationToken.None);
        await using var reader = PostgresDataSources.Create(options);
        var gallery = new PgVectorGallery(reader, options, (await PgVectorCatalogue.CurrentAsync(reader, options.Schema, CancellationToken.None))!);
        Assert.Single(await gallery.SearchAsync(release.Vectors.AsMemory(0, Dimensions), 1, null, CancellationToken.None));

        await server.StopAsync();
        await Assert.ThrowsAsync<GalleryUnavailableException>(() => gallery.SearchAsync(release.Vectors.AsMemory(0, Dimensions), 1, null, CancellationToken.None));
    }

    [Fact]
    public async Task Rows_come_by_id_row_and_page_and_the_medians_come_as_published()
    {
        var options = postgres.Options();
        var (writer, publisher) = await PublisherAsync(options);
        await using var _ = writer;
        var release = Release("v1", 300, seed: 8);
        await publisher.PublishAsync(release, CancellationToken.None);
        var rows = new PgVectorRows(writer, options, (await PgVectorCatalogue.CurrentAsync(writer, options.Schema, CancellationToken.None))!);

        var found = Assert.Single(await rows.ByIdsAsync([release.Entries[17].Id, "no-such-id"], CancellationToken.None));
        Assert.Equal((17, release.Entries[17].Image), (found.Row, found.Entry.Image));
        Assert.Equal(release.Vectors.AsSpan(17 * Dimensions, Dimensions).ToArray(), found.Vector);
        Assert.Equal([3, 250], (await rows.ByRowsAsync([250, 3, 999], CancellationToken.None)).Select(r => r.Row).Order());
        var filter = new GalleryFilter(new Dictionary<string, IReadOnlyCollection<string>> { ["person"] = ["p4"] });
        var page = await rows.PageAsync(afterRow: 100, limit: 5, filter, CancellationToken.None);
        Assert.Equal(Enumerable.Range(101, 199).Where(r => release.Entries[r].Labels["person"] == "p4").Take(5), page.Select(r => r.Row));
        Assert.True(await rows.HoldsImageAsync(release.Entries[5].Image, CancellationToken.None));

        var medians = await rows.MediansAsync(CancellationToken.None);
        Assert.Equal(release.Medians.Facets, medians.Facets, (a, b) => a.Name == b.Name && a.Values.SequenceEqual(b.Values));
        Assert.Equal(release.Medians.Matrix, medians.Matrix);
    }

    [Fact]
    public async Task A_hostile_row_or_medians_make_reads_unavailable_not_failed()
    {
        var options = postgres.Options();
        var (writer, publisher) = await PublisherAsync(options);
        await using var _ = writer;
        await publisher.PublishAsync(Release("v1", 20, seed: 9), CancellationToken.None);
        var current = (await PgVectorCatalogue.CurrentAsync(writer, options.Schema, CancellationToken.None))!;
        await postgres.ExecuteAsync($"UPDATE {options.Schema}.{current.Table} SET image = '../../etc/passwd' WHERE row = 2");
        await postgres.ExecuteAsync($"UPDATE {options.Schema}.{current.Table} SET labels = '[1, 2]' WHERE row = 3");
        var rows = new PgVectorRows(writer, options, current);

        foreach (var row in new[] { 2, 3 })
            await Assert.ThrowsAsync<GalleryUnavailableException>(() => rows.ByRowsAsync([row], CancellationToken.None));
        Assert.Single(await rows.ByRowsAsync([4], CancellationToken.None));
        await postgres.ExecuteAsync($"UPDATE {options.Schema}.versions SET median_vectors = '\\x00ff'");
        await Assert.ThrowsAsync<GalleryUnavailableException>(() => rows.MediansAsync(CancellationToken.None));
    }
}
