using System.Text.Json;
using System.Text.Json.Nodes;
using FaceFunctions.Tests.Access;
using FaceFunctions.Tests.Api;
using FaceFunctions.Tests.Infrastructure;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using Xunit;

namespace FaceFunctions.Tests.Clients;

/// <summary>
/// What a mobile or .NET team does with /api/openapi.json: lint it with Redocly and Spectral (recommended rulesets,
/// redocly.yaml and .spectral.yaml say which rules are off and why), generate a C# client with Kiota and with NSwag,
/// compile each into the small program of tests/clients, and call every operation with a bearer token against the
/// local host over a real socket, on the model the service fixture trained.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class GeneratedClientTests(ServiceFixture service)
{
    /// <summary>A gallery image of the drawn faces: AK, neutral.</summary>
    private const string ImageId = "AK.NE1.9";
    private static readonly TimeSpan Tool = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Redocly_finds_no_error_and_no_warning_in_the_served_document()
    {
        using var folder = new TempFolder();
        var document = await ServedDocumentAsync(folder);
        var lint = await Node("redocly", "lint", document, "--config", Path.Combine(RepositoryPaths.Root, "redocly.yaml"), "--format=json");
        var totals = JsonNode.Parse(lint.Output)!["totals"]!;
        Assert.True((int)totals["errors"]! == 0 && (int)totals["warnings"]! == 0, lint.ToString());
    }

    [Fact]
    public async Task Spectral_finds_nothing_in_the_served_document()
    {
        using var folder = new TempFolder();
        var document = await ServedDocumentAsync(folder);
        var lint = await Node("spectral", "lint", document, "--ruleset", Path.Combine(RepositoryPaths.Root, ".spectral.yaml"), "--fail-severity=hint");
        Assert.True(lint.ExitCode == 0, lint.ToString());
    }

    [Theory]
    [InlineData(ClientGenerator.Kiota)]
    [InlineData(ClientGenerator.NSwag)]
    public async Task A_generated_client_calls_every_operation_and_gets_the_right_answers(ClientGenerator generator)
    {
        using var folder = new TempFolder();
        var document = await ServedDocumentAsync(folder);
        var program = ClientPrograms.Copy(generator, folder.File("program"));
        var generated = await ClientPrograms.GenerateAsync(generator, document, program);
        Assert.True(generated.ExitCode == 0, generated.ToString());
        var built = await ProcessRunner.RunAsync("dotnet", ["build", program, "-c", "Release", "-nologo", "-nodeReuse:false", "--disable-build-servers"], Tool);
        Assert.True(built.ExitCode == 0, built.ToString());

        var jpeg = folder.File("face.jpg");
        using (var image = Image.Load(await service.Client.GetByteArrayAsync($"/api/images/{ImageId}")))
            await image.SaveAsJpegAsync(jpeg, new JpegEncoder { Quality = 95 });
        // As a signed-in app calls: a host that admits nobody without credentials, a token from the tests' issuer.
        await using var issuer = await TokenIssuer.StartAsync();
        var (host, client) = await LocalApi.StartAsync(service.ConnectionString,
            [.. AccessFixture.Arguments(issuer.Settings()), "--Auth:AnonymousPermissions", "None"]);
        await using var _ = host;
        using var __ = client;
        await ServiceFixture.WaitForModelAsync(client);
        var token = issuer.Mint($"client-{generator}", "Gallery.Read Gallery.Write");
        var run = await ProcessRunner.RunAsync("dotnet", [ClientPrograms.Assembly(generator, program), client.BaseAddress!.ToString().TrimEnd('/'), jpeg, ImageId, token], Tool);
        Assert.True(run.ExitCode == 0, run.ToString());
        var report = JsonNode.Parse(run.Output.Trim().Split('\n')[^1])!;

        Assert.Equal(service.Report.Version, (string?)report["health"]);
        Assert.Equal(["person", "expression"], report["facets"]!.AsArray().Select(n => (string?)n));
        // Weights: the heavier expression wins (as the API's own test finds); the upload minus neutral plus happy is AK happy.
        Assert.Equal(("BM/HA", "BM/SU"), ((string?)report["composeHappy"], (string?)report["composeSurprised"]));
        Assert.Equal("AK/HA", (string?)report["composeWithImage"]);
        Assert.True((bool)report["imagePng"]!);
        Assert.Equal((ImageId, 3), ((string?)report["searchJpeg"], (int)report["searchJpegCount"]!));
        Assert.Equal(ImageId, (string?)report["searchForm"]);
        Assert.True((bool)report["openApi"]!);
        // Filters: five results, every one with the filtered value (each person has 14 images, two per expression).
        Assert.Equal(5, report["composeFiltered"]!.AsArray().Count);
        Assert.All(report["composeFiltered"]!.AsArray(), cell => Assert.StartsWith("BM/", (string?)cell));
        Assert.Equal("BM/HA", (string?)report["composeFiltered"]![0]);
        Assert.Equal(5, report["searchFiltered"]!.AsArray().Count);
        Assert.All(report["searchFiltered"]!.AsArray(), cell => Assert.StartsWith("AK/", (string?)cell));
        Assert.Equal("AK/NE", (string?)report["searchFiltered"]![0]); // the image itself
        // The gallery: two pages of BM's images in order, an addition composed by its new person's value, then erased.
        Assert.Equal(["BM.AN1.15", "BM.AN2.16", "BM.DI1.17", "BM.DI2.18"], report["galleryPages"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(new[] { ImageId, (string?)report["added"]!["id"] }.Order(), report["added"]!["composed"]!.AsArray().Select(n => (string?)n).Order());
        Assert.Equal(generator == ClientGenerator.Kiota ? "kiota-1" : "nswag-1", (string?)report["added"]!["reference"]);
        Assert.Equal("added", ((string?)report["added"]!["source"])?.ToLowerInvariant());
        Assert.Equal(404, (int)report["erased"]!);
        // Errors arrive as typed problem details.
        Assert.Equal((415, 415), ((int)report["unsupported"]!["status"]!, (int)report["unsupported"]!["httpStatus"]!));
        Assert.Contains("supported format", (string?)report["unsupported"]!["detail"]);
        Assert.Equal((400, 400), ((int)report["badFacet"]!["status"]!, (int)report["badFacet"]!["httpStatus"]!));
        Assert.Contains("Unknown facet 'mood'", (string?)report["badFacet"]!["detail"]);
    }

    private async Task<string> ServedDocumentAsync(TempFolder folder)
    {
        var path = folder.File("openapi.json");
        await File.WriteAllBytesAsync(path, await service.Client.GetByteArrayAsync("/api/openapi.json"));
        return path;
    }

    /// <summary>A command of the repository's npm packages (package.json: installed by scripts/test.sh).</summary>
    private static Task<ProcessRunner.Result> Node(string tool, params string[] args) =>
        ProcessRunner.RunAsync(Path.Combine(RepositoryPaths.Root, "node_modules", ".bin", tool), args, Tool,
            environment: new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" });
}
