using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace FaceFunctions.Index.Postgres;

/// <summary>A published version's gallery in PostgreSQL: its table, its size, and the model manifest it belongs to.</summary>
public sealed record PgVectorVersion(string Version, string ManifestSha256, int Count, int Dimensions, string Table);

/// <summary>
/// The catalogue of galleries in one schema: <c>versions</c> lists every version whose table is complete (written in
/// the transaction that completed it), <c>current</c> holds one row, the version serving. Each version has its own
/// table (row, id, labels as jsonb, embedding as vector(d)), so versions of other sizes sit side by side and an old one
/// goes with one DROP TABLE (the training job's PgVectorPublisher writes it all). Identifiers come from validated names only, never from stored text.
/// </summary>
public static partial class PgVectorCatalogue
{
    [GeneratedRegex("^[a-z_][a-z0-9_]{0,39}$")]
    private static partial Regex PlainName();

    public static bool IsPlainName(string? name) => name is not null && PlainName().IsMatch(name);

    /// <summary>The table of a version: named by a hash of the id, so that any valid version id makes a plain name.</summary>
    public static string TableOf(string version) =>
        "gallery_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(version)))[..16];

    /// <summary>The version serving now; null while none has been published (or the schema does not exist yet).</summary>
    public static async Task<PgVectorVersion?> CurrentAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT v.version, v.manifest_sha256, v.row_count, v.dimensions, v.table_name
            FROM {schema}.current c JOIN {schema}.versions v USING (version)
            """);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return null;
        }
    }

    /// <summary>Every version in the catalogue, newest first.</summary>
    public static async Task<IReadOnlyList<PgVectorVersion>> VersionsAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT version, manifest_sha256, row_count, dimensions, table_name FROM {schema}.versions
            ORDER BY published_at DESC, version DESC
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<PgVectorVersion>();
        while (await reader.ReadAsync(cancellationToken))
            versions.Add(Read(reader));
        return versions;
    }

    private static PgVectorVersion Read(NpgsqlDataReader reader)
    {
        var table = reader.GetString(4);
        return new PgVectorVersion(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3),
            IsPlainName(table) ? table : throw new InvalidDataException($"The catalogue names a table '{table}' that is not a plain name."));
    }
}
