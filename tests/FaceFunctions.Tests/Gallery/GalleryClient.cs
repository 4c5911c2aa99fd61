using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FaceFunctions.TrainingJob.Datasets;
using SixLabors.ImageSharp;
using Xunit;

namespace FaceFunctions.Tests.Gallery;

/// <summary>The gallery's routes as a test calls them, and drawn faces to add (the service fixture's drawing, other variants or persons).</summary>
public static class GalleryClient
{
    /// <summary>A drawn face as PNG: person and expression by code, a variant the fixture never trained on unless told.</summary>
    public static byte[] Face(string person, string expression, int variant)
    {
        using var image = SyntheticFaces.Render(Array.IndexOf(SyntheticFaces.PersonCodes, person),
            Array.IndexOf(SyntheticFaces.ExpressionCodes, expression), variant, Api.ServiceFixture.Faces);
        using var png = new MemoryStream();
        image.SaveAsPng(png);
        return png.ToArray();
    }

    public static ByteArrayContent Png(byte[] png) => new(png) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } };

    public static MultipartFormDataContent Form(byte[] png, object? labels, string? reference = null)
    {
        var form = new MultipartFormDataContent { { Png(png), "image", "face.png" } };
        if (labels is not null)
            form.Add(JsonContent.Create(labels), "labels");
        if (reference is not null)
            form.Add(new StringContent(reference), "reference");
        return form;
    }

    /// <summary>Adds a face with its labels; asserts 201 and answers the new id.</summary>
    public static async Task<string> AddAsync(HttpClient client, byte[] png, object labels, string? reference = null)
    {
        using var response = await client.PostAsync("/api/gallery/form?wholeImage=true", Form(png, labels, reference));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var added = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/api/images/{added.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
        return added.GetProperty("id").GetString()!;
    }

    /// <summary>The ids a search with the image answers, best first.</summary>
    public static async Task<List<string>> SearchAsync(HttpClient client, byte[] png, int k = 5)
    {
        using var response = await client.PostAsync($"/api/search?k={k}&wholeImage=true", Png(png));
        return await IdsAsync(response);
    }

    /// <summary>The ids a compose query answers, best first.</summary>
    public static async Task<List<string>> ComposeAsync(HttpClient client, object query)
    {
        using var response = await client.PostAsJsonAsync("/api/compose", query);
        return await IdsAsync(response);
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The values of a facet /api/labels answers, with their image counts.</summary>
    public static async Task<Dictionary<string, int>> ValuesAsync(HttpClient client, string facet) =>
        (await GetAsync(client, "/api/labels")).GetProperty("facets").EnumerateArray().Single(f => f.GetProperty("name").GetString() == facet)
        .GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("value").GetString()!, v => v.GetProperty("images").GetInt32());

    /// <summary>Waits until the condition holds; fails with the message after the timeout.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string message)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{message} within {timeout.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    private static async Task<List<string>> IdsAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return answer.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
    }
}
