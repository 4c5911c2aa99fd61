using System.Text.Json;
using FaceFunctions.Artifacts;
using Npgsql;
using NpgsqlTypes;

namespace FaceFunctions.Index.Postgres;

/// <summary>
/// A published version's gallery rows in PostgreSQL, read where serving needs them, so that no instance loads the
/// gallery: entries by id, by row and a page at a time, whether an image is still used, label counts, and the facet
/// medians stored beside it; and erasure, from every version's table. Whatever the database holds is checked as it is read
/// (labels must parse, vectors must have the version's dimensions). Safe from many threads.
/// </summary>
public sealed class PgVectorRows(NpgsqlDataSource dataSource, PostgresOptions options, PgVectorVersion version)
{
    private const string EntryColumns = "row, id, labels::text, image";
    private readonly string _table = $"{options.Schema}.{version.Table}";

    public PgVectorVersion Version { get; } = version;

    /// <summary>Whether the version's table keeps each row's image name (tables published before it did not).</summary>
    public async Task<bool> HasImagesAsync(CancellationToken cancellationToken) => await GuardAsync(async () =>
    {
        await using var command = dataSource.CreateCommand("""
            SELECT EXISTS (SELECT FROM information_schema.columns WHERE table_schema = @schema AND table_name = @table AND column_name = 'image')
            """);
        command.Parameters.AddWithValue("schema", options.Schema);
        command.Parameters.AddWithValue("table", Version.Table);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    });

    /// <summary>The rows of these ids that the table holds, with their vectors.</summary>
    public Task<IReadOnlyList<StoredRow>> ByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) => QueryAsync(c =>
    {
        c.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ids.ToArray() });
        return $"SELECT {EntryColumns}, embedding::real[] FROM {_table} WHERE id = ANY(@ids)";
    }, cancellationToken);

    /// <summary>The entries of these rows that the table holds.</summary>
    public Task<IReadOnlyList<StoredRow>> ByRowsAsync(IReadOnlyCollection<int> rows, CancellationToken cancellationToken) => QueryAsync(c =>
    {
        c.Parameters.Add(new NpgsqlParameter<int[]>("rows", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = rows.ToArray() });
        return $"SELECT {EntryColumns} FROM {_table} WHERE row = ANY(@rows)";
    }, cancellationToken);

    /// <summary>Up to <paramref name="limit"/> entries after a row, in row order, that the filter allows.</summary>
    public Task<IReadOnlyList<StoredRow>> PageAsync(int afterRow, int limit, GalleryFilter? filter, CancellationToken cancellationToken) => QueryAsync(c =>
    {
        c.Parameters.AddWithValue("after", afterRow);
        c.Parameters.AddWithValue("limit", limit);
        return $"SELECT {EntryColumns} FROM {_table} WHERE row > @after AND {PgVectorFilter.Where(c, filter)} ORDER BY row LIMIT @limit";
    }, cancellationToken);

    /// <summary>Whether any row still names this image file.</summary>
    public async Task<bool> HoldsImageAsync(string image, CancellationToken cancellationToken) => await GuardAsync(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT EXISTS (SELECT FROM {_table} WHERE image = @image)");
        command.Parameters.AddWithValue("image", image);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    });

    /// <summary>How many rows carry each facet value.</summary>
    public async Task<IReadOnlyDictionary<(string Facet, string Value), int>> CountsAsync(CancellationToken cancellationToken) => await GuardAsync(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT l.key, l.value, count(*)::int FROM {_table}, jsonb_each_text(labels) l GROUP BY 1, 2");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<(string, string), int>();
        while (await reader.ReadAsync(cancellationToken))
            counts[(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
        return (IReadOnlyDictionary<(string, string), int>)counts;
    });

    /// <summary>
    /// Each trained value's median over the version's rows, as the training job computed and stored them beside the
    /// version in the catalogue (the rows never come here).
    /// </summary>
    public async Task<FacetVectors> MediansAsync(CancellationToken cancellationToken) => await GuardAsync(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT medians::text, median_vectors FROM {options.Schema}.versions WHERE version = @version");
        command.Parameters.AddWithValue("version", Version.Version);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(0) || reader.IsDBNull(1))
            throw new InvalidDataException("the catalogue holds no medians for it");
        FacetVectors medians;
        try
        {
            medians = FacetVectors.FromFiles(BinaryData.FromString(reader.GetString(0)), new BinaryData(reader.GetFieldValue<byte[]>(1)));
        }
        catch (Exception e) when (e is not (OperationCanceledException or NpgsqlException))
        {
            throw new InvalidDataException($"its medians cannot be read: {e.Message}", e);
        }
        return medians.Dimensions == Version.Dimensions && medians.Matrix.All(float.IsFinite)
            ? medians
            : throw new InvalidDataException($"its medians are not finite vectors of {Version.Dimensions} dimensions");
    });

    /// <summary>Deletes the rows of these ids from every version's table in the catalogue.</summary>
    public async Task EraseEverywhereAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) => await GuardAsync(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var found in await PgVectorCatalogue.VersionsAsync(connection, options.Schema, cancellationToken))
        {
            await using var delete = new NpgsqlCommand($"DELETE FROM {options.Schema}.{found.Table} WHERE id = ANY(@ids)", connection);
            delete.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ids.ToArray() });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        return true;
    });

    /// <param name="prepare">Adds the parameters and answers the statement.</param>
    private async Task<IReadOnlyList<StoredRow>> QueryAsync(Func<NpgsqlCommand, string> prepare, CancellationToken cancellationToken) =>
        await GuardAsync(async () =>
        {
            await using var command = dataSource.CreateCommand();
            command.CommandText = prepare(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<StoredRow>();
            while (await reader.ReadAsync(cancellationToken))
                rows.Add(Read(reader));
            return (IReadOnlyList<StoredRow>)rows;
        });

    private StoredRow Read(NpgsqlDataReader reader)
    {
        var labels = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(2))
            ?? throw new InvalidDataException($"Row {reader.GetInt32(0)} of version {Version.Version}'s table has no labels.");
        var entry = new GalleryEntry(StoredNames.GalleryId(reader.GetString(1)), labels, StoredNames.GalleryImage(reader.GetString(3)));
        return new StoredRow(reader.GetInt32(0), entry, reader.FieldCount > 4 ? Checked(reader.GetFieldValue<float[]>(4)) : null);
    }

    private float[] Checked(float[] vector) => vector.Length == Version.Dimensions && vector.All(float.IsFinite)
        ? vector
        : throw new InvalidDataException($"Version {Version.Version}'s table holds a vector that is not {Version.Dimensions} finite numbers.");

    /// <summary>Runs a read or write, turning what the database throws, or a row that fails its checks, into <see cref="GalleryUnavailableException"/>.</summary>
    private async Task<T> GuardAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (NpgsqlException e)
        {
            throw new GalleryUnavailableException($"Version {Version.Version}'s gallery in PostgreSQL cannot be read: {e.Message}", e);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or ModelIntegrityException)
        {
            // A damaged or hostile row: the request that met it is answered 503 and the log says which.
            throw new GalleryUnavailableException($"Version {Version.Version}'s table holds a row that cannot be served: {e.Message}", e);
        }
    }
}
