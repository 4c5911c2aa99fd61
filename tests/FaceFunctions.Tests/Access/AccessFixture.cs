using FaceFunctions.Tests.Api;
using FaceFunctions.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace FaceFunctions.Tests.Access;

/// <summary>Where a test sends its requests: the local host or the Functions host, both serving the same app alike.</summary>
public enum HostKind
{
    Local,
    Functions,
}

/// <summary>
/// A deployment as the access tests need it, started once: its own Azurite with the service fixture's model, the
/// tests' token issuer, two service keys, and the function app under both hosts with the same settings (no anonymous
/// callers; <see cref="RequestsPerWindow"/> per caller).
/// </summary>
public sealed class AccessFixture : IAsyncLifetime
{
    public const int RequestsPerWindow = 40;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Azurite? _azurite;
    private WebApplication? _local;
    private HttpClient? _localClient;
    private FunctionsHost? _functions;

    public TokenIssuer Issuer { get; private set; } = null!;
    public ServiceKeys Keys { get; } = ServiceKeys.Random();
    public string ConnectionString => _azurite!.ConnectionString;

    public async Task InitializeAsync() => Issuer = await TokenIssuer.StartAsync();

    /// <summary>The settings of both hosts, "Section:Key" names.</summary>
    public Dictionary<string, string> Settings(params (string Name, string Value)[] more)
    {
        var settings = new Dictionary<string, string>(Issuer.Settings().Concat(Keys.Settings()))
        {
            ["Storage:ConnectionString"] = ConnectionString,
            ["Serving:PollInterval"] = "00:00:00.2",
            ["Serving:LoadRetryInterval"] = "00:00:00.2",
            ["Auth:AnonymousPermissions"] = "None",
            ["Auth:RequestsPerWindow"] = RequestsPerWindow.ToString(),
            ["Auth:Window"] = "00:01:00",
        };
        foreach (var (name, value) in more)
            settings[name] = value;
        return settings;
    }

    public static string[] Arguments(IReadOnlyDictionary<string, string> settings) => settings.SelectMany(s => new[] { "--" + s.Key, s.Value }).ToArray();

    public async Task<HttpClient> ClientAsync(ServiceFixture service, HostKind kind)
    {
        await _gate.WaitAsync();
        try
        {
            if (_azurite is null)
            {
                _azurite = await Azurite.StartAsync();
                await FixtureModel.PublishAsync(service, _azurite.ConnectionString, "v1");
            }
            if (kind == HostKind.Local && _localClient is null)
            {
                (_local, _localClient) = await LocalApi.StartWithAsync(Arguments(Settings()));
                await ServiceFixture.WaitForModelAsync(_localClient);
            }
            if (kind == HostKind.Functions)
                _functions ??= await FunctionsHost.StartAsync(Settings(), Keys);
            return kind == HostKind.Local ? _localClient! : _functions!.Client;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task DisposeAsync()
    {
        _localClient?.Dispose();
        if (_local is not null) await _local.DisposeAsync();
        if (_functions is not null) await _functions.DisposeAsync();
        if (_azurite is not null) await _azurite.DisposeAsync();
        if (Issuer is not null) await Issuer.DisposeAsync();
    }
}
