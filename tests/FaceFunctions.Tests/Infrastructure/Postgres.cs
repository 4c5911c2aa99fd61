namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL 15 server with pgvector (scripts/postgres.sh installs them; test.sh runs it) in a fresh temporary
/// folder, on 127.0.0.1 and a free port, trusting local connections, without fsync. PostgreSQL refuses to run as root,
/// so as root it runs as the postgres user. Stopped, and its folder deleted, on dispose.
/// </summary>
public sealed class Postgres : IAsyncDisposable
{
    private static readonly string Binaries = Environment.GetEnvironmentVariable("FACEFUNCTIONS_POSTGRES_BIN") ?? "/usr/lib/postgresql/15/bin";
    private readonly TempFolder _folder = new();
    private string Data => Path.Combine(_folder.Path, "data");

    private readonly IReadOnlyList<string> _settings;

    private Postgres(int port, IReadOnlyList<string> settings) => (Port, _settings) = (port, settings);

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=5;Command Timeout=30";

    /// <param name="settings">More server settings, each "name=value" (the benchmark's memory for index builds).</param>
    public static async Task<Postgres> StartAsync(params string[] settings)
    {
        if (!File.Exists(Path.Combine(Binaries, "pg_ctl")) || !File.Exists(Path.Combine(Binaries, "..", "lib", "vector.so")))
            throw new InvalidOperationException($"PostgreSQL 15 with pgvector is not installed under {Binaries}: run 'bash scripts/postgres.sh' (test.sh does).");
        var server = new Postgres(Azurite.FreePort(), settings);
        try
        {
            if (Environment.IsPrivilegedProcess)
                await RequireAsync("chown", ["postgres:postgres", server._folder.Path]);
            await RunAsync("initdb", ["-D", server.Data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
            await server.StartAgainAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A PostgreSQL program, as the postgres user when the tests run as root.</summary>
    private static Task RunAsync(string program, IReadOnlyList<string> args) =>
        Environment.IsPrivilegedProcess
            ? RequireAsync("runuser", ["-u", "postgres", "--", Path.Combine(Binaries, program), .. args])
            : RequireAsync(Path.Combine(Binaries, program), args);

    private static async Task RequireAsync(string program, IReadOnlyList<string> args)
    {
        var result = await ProcessRunner.RunAsync(program, args, TimeSpan.FromSeconds(90));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {result}");
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            try
            {
                await RunAsync("pg_ctl", ["-D", Data, "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already stopped (a test may stop it to see the database go away).
            }
        }
        _folder.Dispose();
    }

    /// <summary>Stops the server, as a database outage would.</summary>
    public Task StopAsync() => RunAsync("pg_ctl", ["-D", Data, "-m", "immediate", "-w", "stop"]);

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) on its port and data.</summary>
    public Task StartAgainAsync() => RunAsync("pg_ctl", ["-D", Data, "-l", Path.Combine(_folder.Path, "server.log"), "-w", "-t", "60", "start", "-o",
        $"-p {Port} -c listen_addresses=127.0.0.1 -k {_folder.Path} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        + string.Concat(_settings.Select(setting => $" -c {setting}"))]);
}
