using FaceFunctions.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// The local API host on 127.0.0.1 and a free port, reading its model from Blob Storage, and a client for it. Open to
/// callers without credentials and without limits per caller, as on a developer's laptop (<see cref="HostProcess.LaptopSettings"/>),
/// unless the settings say otherwise.
/// </summary>
public static class LocalApi
{
    /// <param name="settings">More "--Section:Key value" pairs.</param>
    public static Task<(WebApplication Host, HttpClient Client)> StartAsync(string connectionString, params string[] settings) =>
        StartWithAsync(["--Storage:ConnectionString", connectionString, .. settings]);

    /// <summary>The host serving a model folder written by the training job.</summary>
    /// <param name="settings">More "--Section:Key value" pairs.</param>
    public static Task<(WebApplication Host, HttpClient Client)> StartOnFolderAsync(string modelFolder, params string[] settings) =>
        StartWithAsync(["--Storage:Folder", modelFolder, .. settings]);

    /// <param name="settings">"--Section:Key value" pairs, the storage's among them.</param>
    public static async Task<(WebApplication Host, HttpClient Client)> StartWithAsync(string[] settings)
    {
        var host = LocalApiHost.Build([
            "--urls", "http://127.0.0.1:0",
            "--Logging:LogLevel:Default", "Warning",
            .. HostProcess.LaptopSettings,
            .. settings,
        ]);
        await host.StartAsync();
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (host, new HttpClient { BaseAddress = new Uri(address) });
    }
}
