using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// Azurite's Blob service (and its Queue service when asked) from the repository's node_modules (npm ci installs it;
/// test.sh does), on 127.0.0.1 and free ports, with a fresh folder for its data. Started without npx so that stopping
/// it stops it.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;
    private readonly TempFolder _data = new();
    private int _disposed;

    private Azurite(int port, int? queuePort)
    {
        (Port, QueuePort) = (port, queuePort);
        var executable = Path.Combine(RepositoryPaths.Root, "node_modules", ".bin", queuePort is null ? "azurite-blob" : "azurite");
        if (!File.Exists(executable))
            throw new InvalidOperationException($"Azurite is not installed at {executable}: run 'npm ci' in the repository root (test.sh does).");
        string[] queue = queuePort is null ? [] : ["--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString()!, "--tableHost", "127.0.0.1", "--tablePort", FreePort().ToString()];
        _process = Process.Start(new ProcessStartInfo(executable,
            ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(), .. queue, "--location", _data.Path,
             "--skipApiVersionCheck", "--disableTelemetry", "--silent"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }
    /// <summary>The Queue service's port; null when only blobs were asked for.</summary>
    public int? QueuePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;"
        + (QueuePort is { } queue ? $"QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" : "");

    /// <param name="queues">Start the Queue service too (for the gallery's ingestion trigger).</param>
    public static async Task<Azurite> StartAsync(int? port = null, bool queues = false)
    {
        var azurite = new Azurite(port ?? FreePort(), queues ? FreePort() : null);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (azurite._process.HasExited)
                throw new InvalidOperationException($"Azurite exited with code {azurite._process.ExitCode}.");
            try
            {
                foreach (var listening in new[] { azurite.Port, azurite.QueuePort ?? azurite.Port })
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, listening);
                }
                return azurite;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        await azurite.DisposeAsync();
        throw new TimeoutException("Azurite did not listen within 30 s.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return; // a test may stop it early (storage down)
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _data.Dispose();
    }
}
