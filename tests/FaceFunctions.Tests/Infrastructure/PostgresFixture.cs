using FaceFunctions.Index.Postgres;
using Npgsql;
using Xunit;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>One PostgreSQL server for a test class; each test works in a schema of its own.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private Postgres? _server;

    public Postgres Server => _server ?? throw new InvalidOperationException("PostgreSQL has not started.");

    public async Task InitializeAsync() => _server = await Postgres.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    /// <summary>Options for a fresh schema of this server.</summary>
    public PostgresOptions Options(PgVectorSearch search = PgVectorSearch.Exact, int keepVersions = 3) => new()
    {
        ConnectionString = Server.ConnectionString,
        Schema = "test_" + Guid.NewGuid().ToString("N")[..12],
        Search = search,
        KeepVersions = keepVersions,
    };

    /// <summary>Runs one statement as the server's superuser (set-up a test needs: roles).</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(Server.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
