using System.Diagnostics;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// The built local host as its own process on a free loopback port, with a client for it; killed on dispose. Open to
/// callers without credentials, as on a laptop, and without limits per caller (<see cref="LaptopSettings"/>), unless
/// the settings say otherwise.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, HttpClient client)
    {
        _process = process;
        Client = client;
    }

    public HttpClient Client { get; }

    /// <summary>
    /// "--Section:Key value" pairs of a host on a laptop: callers without credentials read and write, and no limit per
    /// caller stops a test or a benchmark that sends requests as fast as it can (AccessTests set limits of their own).
    /// </summary>
    public static readonly string[] LaptopSettings =
        ["--Auth:AnonymousPermissions", "Read, Write", "--Auth:RequestsPerWindow", "100000000", "--Auth:ConcurrentUploads", "100000"];

    /// <param name="settings">"--Section:Key value" pairs for the host.</param>
    public static HostProcess Start(params string[] settings)
    {
        var port = Azurite.FreePort();
        var host = Path.Combine(RepositoryPaths.Root, "src", "LocalHost", "bin", "Release", "net10.0", "linux-x64", "FaceFunctions.LocalHost.dll");
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        var process = Process.Start(new ProcessStartInfo("dotnet",
            [host, "--urls", client.BaseAddress.ToString(), "--Logging:LogLevel:Default", "Warning", .. LaptopSettings, .. settings]) { RedirectStandardOutput = true })!;
        return new HostProcess(process, client);
    }

    /// <summary>Calls <paramref name="probe"/> until it succeeds; the time from the process's start.</summary>
    public async Task<TimeSpan> WaitUntilAsync(Func<HttpClient, Task<bool>> probe)
    {
        while (true)
        {
            try
            {
                if (await probe(Client)) return DateTime.Now - _process.StartTime;
            }
            catch (HttpRequestException) { }
            if (DateTime.Now - _process.StartTime > TimeSpan.FromSeconds(120)) throw new TimeoutException("the host did not answer within 120 s");
            await Task.Delay(10);
        }
    }

    /// <summary>A line of /proc/PID/status in bytes: VmHWM is the peak resident memory so far, VmRSS the present.</summary>
    public long Memory(string field)
    {
        var line = File.ReadAllLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(':')[1].Trim().Split(' ')[0]) * 1024;
    }

    /// <summary>Ends the process at once, as a crash or an instance's recycling would: no shutdown runs.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        Client.Dispose();
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
