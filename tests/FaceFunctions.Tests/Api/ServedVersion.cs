using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace FaceFunctions.Tests.Api;

/// <summary>Which model version a host serves, read from /api/health, and waiting for one to serve.</summary>
public static class ServedVersion
{
    /// <summary>The version serving; null while health answers 503.</summary>
    public static async Task<string?> OfAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/health");
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("modelVersion").GetString() : null;
    }

    public static async Task WaitForAsync(HttpClient client, string version)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await OfAsync(client) is var serving && serving != version)
        {
            Assert.True(DateTime.UtcNow < deadline, $"version {version} did not start serving within 30 s; serving {serving ?? "nothing"}");
            await Task.Delay(100);
        }
    }
}
