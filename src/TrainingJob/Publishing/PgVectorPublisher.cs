using FaceFunctions.Artifacts;
using FaceFunctions.Index.Postgres;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace FaceFunctions.TrainingJob.Publishing;

/// <summary>
/// A model version's gallery as the training job publishes it: row-major unit vectors, their entries, and each facet
/// value's median over them (<see cref="ModelBundle.GalleryMedians"/>), which serving could not compute without reading every row.
/// </summary>
public sealed record PgVectorRelease(string Version, string ManifestSha256, float[] Vectors, int Dimensions, IReadOnlyList<GalleryEntry> Entries,
    FacetVectors Medians);

/// <summary>
/// Writes galleries into PostgreSQL for the pgvector backend. A publication is one transaction: the version's table,
/// its rows by binary COPY, its HNSW index, its line in the catalogue and the pointer's move to it. PostgreSQL's DDL is
/// transactional, so a publication that fails or is interrupted leaves nothing behind and the old version serving.
/// Publishers queue on an advisory lock. Old versions go afterwards, by <see cref="PostgresOptions.KeepVersions"/>.
/// </summary>
public sealed class PgVectorPublisher(NpgsqlDataSource dataSource, PostgresOptions options)
{
    private readonly string _schema = options.Schema;

    /// <summary>Publishes the release and makes it current.</summary>
    /// <exception cref="InvalidOperationException">The version is in the database already.</exception>
    public async Task PublishAsync(PgVectorRelease release, CancellationToken cancellationToken)
    {
        StoredNames.Version(release.Version);
        if (release.Vectors.Length != release.Entries.Count * release.Dimensions)
            throw new ArgumentException($"{release.Vectors.Length} values are not {release.Entries.Count} vectors of {release.Dimensions}.", nameof(release));
        var table = PgVectorCatalogue.TableOf(release.Version);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, cancellationToken);
        await ExecuteAsync(connection, CreateSql(_schema), cancellationToken);
        if ((await PgVectorCatalogue.VersionsAsync(connection, _schema, cancellationToken)).Any(v => v.Version == release.Version))
            throw new InvalidOperationException($"Version {release.Version} is in the database already; activate it instead.");
        await ExecuteAsync(connection, $"""
            CREATE TABLE {_schema}.{table} (
                row integer PRIMARY KEY, id text NOT NULL UNIQUE, labels jsonb NOT NULL, image text NOT NULL, embedding vector({release.Dimensions}) NOT NULL)
            """, cancellationToken);
        await CopyAsync(connection, $"{_schema}.{table}", release, cancellationToken);
        // Inner product on unit vectors is cosine similarity, and the cheapest of pgvector's operators.
        await ExecuteAsync(connection, $"""
            CREATE INDEX ON {_schema}.{table} USING hnsw (embedding vector_ip_ops)
            WITH (m = {options.HnswConnectivity}, ef_construction = {options.HnswExpansionAdd})
            """, cancellationToken);
        // An erasure asks whether another row still shows the erased image's file.
        await ExecuteAsync(connection, $"CREATE INDEX ON {_schema}.{table} (image)", cancellationToken);
        await GrantReadAsync(connection, table, cancellationToken);
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO {_schema}.versions (version, manifest_sha256, row_count, dimensions, table_name, medians, median_vectors)
            VALUES (@version, @sha, @count, @dimensions, @table, @medians::jsonb, @medianVectors);
            INSERT INTO {_schema}.current (version) VALUES (@version) ON CONFLICT (singleton) DO UPDATE SET version = excluded.version;
            """, connection))
        {
            insert.Parameters.AddWithValue("version", release.Version);
            insert.Parameters.AddWithValue("sha", release.ManifestSha256);
            insert.Parameters.AddWithValue("count", release.Entries.Count);
            insert.Parameters.AddWithValue("dimensions", release.Dimensions);
            insert.Parameters.AddWithValue("table", table);
            var medians = release.Medians.ToFiles();
            insert.Parameters.AddWithValue("medians", medians[ArtifactNames.Facets].ToString());
            insert.Parameters.AddWithValue("medianVectors", medians[ArtifactNames.FacetVectors].ToArray());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Points <c>current</c> at a version still in the database (a rollback).</summary>
    /// <exception cref="InvalidOperationException">The database does not hold that version (never published, or dropped).</exception>
    public async Task ActivateAsync(string version, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {_schema}.current (version) SELECT version FROM {_schema}.versions WHERE version = @version
            ON CONFLICT (singleton) DO UPDATE SET version = excluded.version
            """, connection);
        command.Parameters.AddWithValue("version", version);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            throw new InvalidOperationException($"The database holds no version {version}: publish it again (older versions go by Postgres:KeepVersions).");
    }

    /// <summary>
    /// Drops versions past the newest <see cref="PostgresOptions.KeepVersions"/>, never the current one. A table that
    /// a search still reads is waited for 5 s at most; what could not go now goes after the next publication.
    /// </summary>
    /// <returns>The versions dropped.</returns>
    public async Task<IReadOnlyList<string>> RemoveOldVersionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, cancellationToken);
        var current = await PgVectorCatalogue.CurrentAsync(dataSource, _schema, cancellationToken);
        var old = (await PgVectorCatalogue.VersionsAsync(connection, _schema, cancellationToken))
            .Where(v => v.Version != current?.Version).Skip(options.KeepVersions - 1).ToList();
        await ExecuteAsync(connection, "SET LOCAL lock_timeout = '5s'", cancellationToken);
        foreach (var version in old)
        {
            await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {_schema}.{version.Table}", cancellationToken);
            await using var delete = new NpgsqlCommand($"DELETE FROM {_schema}.versions WHERE version = @version", connection);
            delete.Parameters.AddWithValue("version", version.Version);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return old.Select(v => v.Version).ToList();
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string table, PgVectorRelease release, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY {table} (row, id, labels, image, embedding) FROM STDIN (FORMAT BINARY)", cancellationToken);
        for (var row = 0; row < release.Entries.Count; row++)
        {
            var entry = release.Entries[row];
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(row, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(entry.Id, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(ModelJson.Serialize(entry.Labels).ToString(), NpgsqlDbType.Jsonb, cancellationToken);
            await writer.WriteAsync(entry.Image, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(new Vector(release.Vectors.AsMemory(row * release.Dimensions, release.Dimensions)), "vector", cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Lets <see cref="PostgresOptions.ReaderRole"/> (the function app's identity) read the catalogue and the table, and
    /// delete the table's rows (an erasure from the gallery, docs/model-format.md). On
    /// Azure Database for PostgreSQL a missing role is created first (the job is the server's Entra administrator) for
    /// the principal of <see cref="PostgresOptions.ReaderObjectId"/>, or else of that display name; elsewhere the role
    /// must exist.
    /// </summary>
    private async Task GrantReadAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        if (options.ReaderRole is not { Length: > 0 } role) return;
        if (!await RoleExistsAsync(connection, role, cancellationToken) && await AzureEntraAsync(connection, cancellationToken))
            await CreateEntraRoleAsync(connection, role, options.ReaderObjectId, cancellationToken);
        var quoted = "\"" + role + "\"";
        await ExecuteAsync(connection, $"""
            GRANT USAGE ON SCHEMA {_schema} TO {quoted};
            GRANT SELECT ON {_schema}.versions, {_schema}.current TO {quoted};
            GRANT SELECT, DELETE ON {_schema}.{table} TO {quoted};
            """, cancellationToken);
    }

    /// <summary>
    /// The role of a managed identity: by object id where known (display names are unique neither in a tenant nor
    /// across two deployments with one prefix), else by name.
    /// </summary>
    private static async Task CreateEntraRoleAsync(NpgsqlConnection connection, string role, Guid? objectId, CancellationToken cancellationToken)
    {
        await using var create = objectId is null
            ? new NpgsqlCommand("SELECT pgaadauth_create_principal(@role, false, false)", connection)
            : new NpgsqlCommand("SELECT pgaadauth_create_principal_with_oid(@role, @objectId, 'service', false, false)", connection);
        create.Parameters.AddWithValue("role", role);
        if (objectId is { } id) create.Parameters.AddWithValue("objectId", id.ToString());
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<bool> RoleExistsAsync(NpgsqlConnection connection, string role, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = @role)", connection);
        command.Parameters.AddWithValue("role", role);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Whether the server is Azure Database for PostgreSQL with Entra sign-in (its function that makes roles of principals).</summary>
    private static async Task<bool> AzureEntraAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT FROM pg_proc WHERE proname = 'pgaadauth_create_principal')", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>One publisher or cleaner at a time per schema, until its transaction ends.</summary>
    private async Task LockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@schema))", connection);
        command.Parameters.AddWithValue("schema", "facefunctions:" + _schema);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Creates the schema and the catalogue where missing (a publication's first statement), as <see cref="PgVectorCatalogue"/> reads them.</summary>
    private static string CreateSql(string schema) => $"""
        CREATE SCHEMA IF NOT EXISTS {schema};
        CREATE TABLE IF NOT EXISTS {schema}.versions (
            version text PRIMARY KEY,
            manifest_sha256 text NOT NULL,
            row_count integer NOT NULL,
            dimensions integer NOT NULL,
            table_name text NOT NULL UNIQUE,
            published_at timestamptz NOT NULL DEFAULT now());
        ALTER TABLE {schema}.versions ADD COLUMN IF NOT EXISTS medians jsonb, ADD COLUMN IF NOT EXISTS median_vectors bytea;
        CREATE TABLE IF NOT EXISTS {schema}.current (
            singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
            version text NOT NULL REFERENCES {schema}.versions (version));
        """;
}
