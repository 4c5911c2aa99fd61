using Azure.Core;
using Azure.Identity;
using Npgsql;
using Pgvector.Npgsql;

namespace FaceFunctions.Index.Postgres;

/// <summary>
/// The <see cref="NpgsqlDataSource"/> that <see cref="PostgresOptions"/> names: one per process, injected, pooling its
/// connections. With <see cref="PostgresAuthentication.ManagedIdentity"/> its password is a Microsoft Entra token for
/// Azure Database for PostgreSQL, fetched by the managed identity and fetched again well before it expires.
/// </summary>
public static class PostgresDataSources
{
    /// <summary>The scope of Azure Database for PostgreSQL's Entra tokens.</summary>
    private const string TokenScope = "https://ossrdbms-aad.database.windows.net/.default";

    /// <summary>
    /// For reading: vectors go to the server as real[] and come back as scores, so no vector type mapping is needed.
    /// Each connection starts with the search settings (hnsw.ef_search, the iterative scan that lets a filtered
    /// search fill k, and random_page_cost 1.1: at PostgreSQL's 4 the planner scanned a 20,000-row gallery whole
    /// instead of using its index, 50 ms against 1.3 ms, docs/pgvector.md), and repeated statements are prepared on the server: a search is then one statement, not parsed
    /// and planned anew (docs/performance.md measures both). Connect directly (port 5432), not through PgBouncer,
    /// which refuses startup settings.
    /// </summary>
    public static NpgsqlDataSource Create(PostgresOptions options)
    {
        var builder = Builder(options);
        var connection = builder.ConnectionStringBuilder;
        connection.Options = $"{connection.Options} -c hnsw.ef_search={options.HnswExpansionSearch} -c hnsw.iterative_scan=relaxed_order -c random_page_cost=1.1".Trim();
        if (connection.MaxAutoPrepare == 0)
            connection.MaxAutoPrepare = 16;
        return builder.Build();
    }

    /// <summary>
    /// For writing vectors (binary COPY): the <c>vector</c> extension is created first when missing, because Npgsql
    /// maps the type when the data source first connects.
    /// </summary>
    public static async Task<NpgsqlDataSource> CreateWithVectorsAsync(PostgresOptions options, CancellationToken cancellationToken)
    {
        await using (var plain = Builder(options).Build())
        await using (var command = plain.CreateCommand("CREATE EXTENSION IF NOT EXISTS vector"))
            await command.ExecuteNonQueryAsync(cancellationToken);
        var builder = Builder(options);
        builder.UseVector();
        return builder.Build();
    }

    private static NpgsqlDataSourceBuilder Builder(PostgresOptions options)
    {
        options.Validate();
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        if (options.Authentication == PostgresAuthentication.ManagedIdentity)
        {
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrEmpty(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
            });
            // Entra tokens live about an hour: a fresh one every 30 minutes, and again after 10 s when fetching failed.
            builder.UsePeriodicPasswordProvider(async (_, cancellationToken) =>
                    (await credential.GetTokenAsync(new TokenRequestContext([TokenScope]), cancellationToken)).Token,
                TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(10));
        }
        return builder;
    }
}
