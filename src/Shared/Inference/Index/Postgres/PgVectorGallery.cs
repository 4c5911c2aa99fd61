using FaceFunctions.Options;
using Npgsql;
using NpgsqlTypes;

namespace FaceFunctions.Index.Postgres;

/// <summary>
/// Searches one published version's gallery in PostgreSQL by inner product (cosine similarity on unit vectors).
/// Queries go to the server as real[] and only rows and scores come back, so reading needs no vector type mapping.
/// Exact search orders every allowed row by score, then row: the top k of <see cref="ExactVectorIndex"/>. HNSW search
/// uses the index, with pgvector's iterative scan so that a filter still fills k (both set per connection).
/// </summary>
public sealed class PgVectorGallery(NpgsqlDataSource dataSource, PostgresOptions options, PgVectorVersion version) : IGallerySearch
{
    public PgVectorVersion Version { get; } = version;
    public int Count => Version.Count;
    public int Dimensions => Version.Dimensions;
    public string Description => $"pgvector ({Choices.NameOf(options.Search).ToLowerInvariant()})";

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(ReadOnlyMemory<float> query, int k, GalleryFilter? filter, CancellationToken cancellationToken)
    {
        try
        {
            return await QueryAsync(query, k, filter, cancellationToken);
        }
        catch (NpgsqlException e) // the network, a timeout, sign-in, permissions, or the version's table dropped
        {
            throw new GalleryUnavailableException($"Version {Version.Version}'s gallery in PostgreSQL cannot be searched: {e.Message}", e);
        }
    }

    private async Task<IReadOnlyList<SearchHit>> QueryAsync(ReadOnlyMemory<float> query, int k, GalleryFilter? filter, CancellationToken cancellationToken)
    {
        if (query.Length != Version.Dimensions)
            throw new ArgumentException($"The query has {query.Length} dimensions, the gallery {Version.Dimensions}.", nameof(query));
        k = Math.Max(0, Math.Min(k, Version.Count));
        if (k == 0) return [];
        await using var command = SearchCommand(query, k, filter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var hits = new List<SearchHit>(k);
        while (await reader.ReadAsync(cancellationToken))
            hits.Add(new SearchHit(reader.GetInt32(0), reader.GetFloat(1)));
        // The iterative scan may hand rows back slightly out of order.
        return hits.OrderByDescending(h => h.Score).ThenBy(h => h.Row).ToList();
    }

    /// <summary>The search as one statement; hnsw.ef_search comes with the connection (<see cref="PostgresDataSources.Create"/>).</summary>
    private NpgsqlCommand SearchCommand(ReadOnlyMemory<float> query, int k, GalleryFilter? filter)
    {
        var command = dataSource.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter<float[]>("query", NpgsqlDbType.Array | NpgsqlDbType.Real) { TypedValue = query.ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int>("k", NpgsqlDbType.Integer) { TypedValue = k });
        var where = PgVectorFilter.Where(command, filter);
        // Ordering by the distance alone lets the HNSW index answer; adding the row makes the scan exact and ties stable.
        var order = options.Search == PgVectorSearch.Hnsw ? "embedding <#> @query::vector" : "embedding <#> @query::vector, row";
        command.CommandText = $"""
            SELECT row, -(embedding <#> @query::vector)::real AS score FROM {options.Schema}.{Version.Table}
            WHERE {where} ORDER BY {order} LIMIT @k
            """;
        return command;
    }
}
