using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// Where an app's Application Insights SDK sends its telemetry in a test: an ingestion endpoint on 127.0.0.1 that
/// takes what the SDK posts (POST {IngestionEndpoint}v2/track or v2.1/track, gzip-compressed lines of JSON envelopes),
/// answers as Azure's endpoint does, and keeps every envelope to read back.
/// </summary>
public sealed class TelemetryIngestion : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<JsonElement> _items = [];

    private TelemetryIngestion(WebApplication app) => _app = app;

    /// <summary>APPLICATIONINSIGHTS_CONNECTION_STRING for an app that should send here.</summary>
    public string ConnectionString { get; private set; } = "";

    public IReadOnlyList<JsonElement> Items { get { lock (_items) return [.. _items]; } }

    public static async Task<TelemetryIngestion> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var ingestion = new TelemetryIngestion(app);
        app.MapPost("/{**path}", ingestion.TrackAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        ingestion.ConnectionString = $"InstrumentationKey={Guid.NewGuid()};IngestionEndpoint={address}/";
        return ingestion;
    }

    private async Task<IResult> TrackAsync(HttpRequest request)
    {
        Stream body = request.Headers.ContentEncoding.Contains("gzip") ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
        using var reader = new StreamReader(body);
        var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lock (_items)
            _items.AddRange(lines.Select(line => JsonDocument.Parse(line).RootElement.Clone()));
        return Results.Json(new { itemsReceived = lines.Length, itemsAccepted = lines.Length, errors = Array.Empty<object>() });
    }

    /// <summary>The first trace (a log line) that <paramref name="matches"/>, within <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> WaitForTraceAsync(Func<JsonElement, bool> matches, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var item in Items.Where(i => i.GetProperty("data").GetProperty("baseType").GetString() == "MessageData"))
                if (matches(item.GetProperty("data").GetProperty("baseData")))
                    return item;
            await Task.Delay(200);
        }
        throw new TimeoutException($"No such trace within {timeout}; received {Items.Count} items:\n{string.Join('\n', Items.Take(20))}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
