using System.Net.Http.Json;
using System.Text.Json;
using FaceFunctions.Tests.Api;
using FaceFunctions.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;

namespace FaceFunctions.Tests.Ui;

/// <summary>The page served by the real Azure Functions host, where the app admits no caller without credentials: it asks for a service key, then composes.</summary>
[Collection(ServiceCollection.Name)]
public sealed class PageUnderFunctionsHostTests(ServiceFixture service, FunctionsHostFixture functions, Browser browser)
    : IClassFixture<FunctionsHostFixture>, IClassFixture<Browser>
{
    [Fact]
    public async Task The_functions_host_serves_the_page_which_asks_for_the_key_and_then_composes()
    {
        var host = await functions.HostAsync(service);
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(new Uri(host.Client.BaseAddress!, "/api/ui").ToString());
        Assert.Equal(200, response!.Status);
        Assert.Contains("script-src 'self'", await response.HeaderValueAsync("content-security-policy"));
        await page.WaitForSelectorAsync("#key-section:not([hidden])");
        await page.FillAsync("#key-input", host.Keys.Writer);
        await page.ClickAsync("#key-form button");
        await PageTests.ComposeAsync(page, "AK", "HA");

        // What the host answers the same query with, asked directly with the key.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/compose")
            { Content = JsonContent.Create(new { add = new { person = "AK", expression = "HA" }, subtract = new { }, k = 8 }) };
        request.Headers.Add("x-functions-key", host.Keys.Writer);
        using var answer = await host.Client.SendAsync(request);
        var results = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString());
        Assert.Equal(results, await page.Locator("#compose-results li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.id)"));
    }
}
