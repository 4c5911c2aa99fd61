using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// The service keys an app is started with (Auth:Keys: "writer" reads and changes the gallery, "reader" reads), and the
/// Functions host's own master key, which opens the host's admin API only: the API's routes are anonymous to the host.
/// </summary>
public sealed record ServiceKeys(string Writer, string Reader, string HostMaster)
{
    public static ServiceKeys Random() => new(NewKey(), NewKey(), NewKey());

    /// <summary>The app settings that give the worker these keys, "Section:Key" names.</summary>
    public IReadOnlyDictionary<string, string> Settings() => new Dictionary<string, string>
    {
        ["Auth:Keys:writer:Secret"] = Writer, ["Auth:Keys:writer:Permissions"] = "Read, Write",
        ["Auth:Keys:reader:Secret"] = Reader, ["Auth:Keys:reader:Permissions"] = "Read",
    };

    private static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(30)).Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// The published function app (src/Functions) under the real Azure Functions host on 127.0.0.1 and a free port, its
/// own secrets in a temporary folder, stopped on dispose: `func start --enableAuth` where the Core Tools are installed (on PATH,
/// or by `npm ci` into node_modules/.bin: an optional dependency, whose install downloads the host where the network
/// allows), else the host of ../shared/functions-host (FACEFUNCTIONS_FUNCTIONS_HOST names another: its folder or its .tar.gz).
/// </summary>
public sealed class FunctionsHost : IAsyncDisposable
{
    public const string HostVariable = "FACEFUNCTIONS_FUNCTIONS_HOST";
    private const string HostAssembly = "Microsoft.Azure.WebJobs.Script.WebHost.dll";

    private readonly Process _process;
    private readonly TempFolder _secrets;
    private readonly StringBuilder _log = new();
    private readonly Stopwatch _clock = new();
    private TimeSpan? _hostStarted;

    private FunctionsHost(ProcessStartInfo start, TempFolder secrets, int port, ServiceKeys keys)
    {
        (_secrets, Keys) = (secrets, keys);
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        _clock.Start();
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>A client without a key: add one per request.</summary>
    public HttpClient Client { get; }
    public ServiceKeys Keys { get; }
    /// <summary>From the process start to the host's "Host started" line (it logs it to the console in the Development environment).</summary>
    public TimeSpan? HostStartedAfter { get { lock (_log) return _hostStarted; } }
    /// <summary>From the process start to the first 200 of /api/health: a model serves.</summary>
    public TimeSpan ServingAfter { get; private set; }
    public string Log { get { lock (_log) return _log.ToString(); } }

    private void Append(string? line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
            if (_hostStarted is null && line?.Contains("Host started", StringComparison.Ordinal) == true)
                _hostStarted = _clock.Elapsed;
        }
    }

    /// <summary>
    /// Publish precompiled, as deployments do (src/Functions sets PublishReadyToRun): the benchmark does. Tests publish
    /// without it, which takes a minute or two less and changes only how fast the worker starts.
    /// </summary>
    public static bool ReadyToRun { get; set; }

    /// <summary>Published once per test run, with the host unpacked beside it; deleted when the run ends.</summary>
    private static readonly Lazy<Task<(string App, string HostFolder)>> Shared = new(async () =>
    {
        var folder = new TempFolder();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => folder.Dispose();
        var app = folder.File("app");
        await PublishAsync(app);
        return (app, folder.File("host"));
    });

    /// <summary>Publishes src/Functions (Release) to <paramref name="folder"/>: what a deployment ships.</summary>
    private static async Task PublishAsync(string folder)
    {
        var published = await ProcessRunner.RunAsync("dotnet",
            ["publish", Path.Combine(RepositoryPaths.Root, "src", "Functions"), "-c", "Release", "-o", folder, "-nologo", "-nodeReuse:false",
                $"-p:PublishReadyToRun={ReadyToRun}"], TimeSpan.FromMinutes(8));
        if (published.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish src/Functions failed: {published}");
    }

    /// <summary>The function app, published once per test run, under a new host process; serving once health answers 200.</summary>
    /// <param name="settings">App settings, "Section:Key" names, besides the keys' (<see cref="ServiceKeys.Settings"/>).</param>
    public static async Task<FunctionsHost> StartAsync(IReadOnlyDictionary<string, string> settings, ServiceKeys? keys = null)
    {
        var (app, hostFolder) = await Shared.Value;
        keys ??= ServiceKeys.Random();
        var secrets = new TempFolder();
        WriteSecrets(secrets.Path, keys);
        var port = Azurite.FreePort();
        var start = await CommandAsync(app, port, hostFolder);
        start.Environment.Remove("CONTAINER_NAME"); // set on these machines; the host would act as in Azure's Linux hosting
        start.Environment["AzureWebJobsScriptRoot"] = app;
        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["AzureWebJobsSecretStorageType"] = "files";
        start.Environment["FUNCTIONS_SECRETS_PATH"] = secrets.Path;
        start.Environment["DOTNET_ROLL_FORWARD"] = "Major";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        foreach (var (name, value) in keys.Settings().Concat(NoLimits).Concat(settings))
            start.Environment[name.Replace(":", "__")] = value;
        var host = new FunctionsHost(start, secrets, port, keys);
        try
        {
            host.ServingAfter = await host.WaitForHealthAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private async Task<TimeSpan> WaitForHealthAsync()
    {
        while (_clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The Functions host exited ({_process.ExitCode}):\n{Log}");
            try
            {
                using var response = await Client.GetAsync("/api/health");
                if (response.StatusCode == HttpStatusCode.OK)
                    return _clock.Elapsed;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"The Functions host did not serve a model within 120 s:\n{Log}");
    }

    /// <summary>`func start` where the Core Tools are installed, else the shared host, else a failure that says how to get one.</summary>
    private static async Task<ProcessStartInfo> CommandAsync(string app, int port, string hostFolder)
    {
        var func = OnPath("func") ?? Installed(Path.Combine(RepositoryPaths.Root, "node_modules", ".bin", "func"));
        var start = func is not null
            ? new ProcessStartInfo(func) { ArgumentList = { "start", "--port", port.ToString(), "--enableAuth" } }
            : new ProcessStartInfo("dotnet") { ArgumentList = { await SharedHostAsync(hostFolder) } };
        start.WorkingDirectory = app;
        start.UseShellExecute = false;
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        return start;
    }

    private static async Task<string> SharedHostAsync(string hostFolder)
    {
        var source = Environment.GetEnvironmentVariable(HostVariable) is { Length: > 0 } named ? named
            : Path.Combine(RepositoryPaths.Root, "..", "shared", "functions-host", "functions-host-4.1037.0.tar.gz");
        if (Directory.Exists(source) && File.Exists(Path.Combine(source, HostAssembly)))
            return Path.Combine(source, HostAssembly);
        var unpacked = Path.Combine(hostFolder, "functions-host", HostAssembly);
        if (File.Exists(unpacked))
            return unpacked;
        if (!File.Exists(source))
            throw new InvalidOperationException(
                $"No Azure Functions host: neither `func` (the Core Tools) on PATH or in node_modules/.bin nor {source}. Install the Core Tools " +
                $"(`npm ci` tries: azure-functions-core-tools downloads the host where its CDN is reachable), or set {HostVariable} " +
                "to a folder holding the host or its .tar.gz (../shared/functions-host/README.md says how it was built).");
        Directory.CreateDirectory(hostFolder);
        var tar = await ProcessRunner.RunAsync("tar", ["xzf", source, "-C", hostFolder], TimeSpan.FromMinutes(2));
        if (tar.ExitCode != 0)
            throw new InvalidOperationException($"Could not unpack {source}: {tar}");
        Directory.CreateDirectory(Path.Combine(hostFolder, "functions-host", "workers")); // the host wants it, even empty
        return unpacked;
    }

    /// <summary>No limit per caller stops a test or a benchmark that sends requests as fast as it can; AccessTests set their own.</summary>
    private static readonly Dictionary<string, string> NoLimits = new() { ["Auth:RequestsPerWindow"] = "100000000", ["Auth:ConcurrentUploads"] = "100000" };

    private static string? Installed(string path) => File.Exists(path) ? path : null;

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    /// <summary>The host's file secrets (host.json): its master key, so that it makes none of its own.</summary>
    private static void WriteSecrets(string folder, ServiceKeys keys)
    {
        static JsonObject Key(string name, string value) => new() { ["name"] = name, ["value"] = value, ["encrypted"] = false };
        File.WriteAllText(Path.Combine(folder, "host.json"), new JsonObject
        {
            ["masterKey"] = Key("master", keys.HostMaster),
            ["functionKeys"] = new JsonArray(),
            ["systemKeys"] = new JsonArray(),
        }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _secrets.Dispose();
    }
}
