using System.Reflection;
using System.Text.Json;
using FaceFunctions.Functions.Api;
using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using FaceFunctions.LocalHost;
using FaceFunctions.Tests.Infrastructure;
using Xunit;

namespace FaceFunctions.Tests.Api;

public sealed class RouteParityTests
{
    /// <summary>functions.metadata is what the Functions host reads: the SDK writes it when src/Functions builds.</summary>
    private static string MetadataPath()
    {
        var configuration = typeof(RouteParityTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        return Path.Combine(RepositoryPaths.Root, "src", "Functions", "bin", configuration, "net10.0", "linux-x64", "functions.metadata");
    }

    [Fact]
    public void The_local_host_serves_every_function_on_the_route_and_methods_of_the_functions_host()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataPath()));
        // The local host serves HTTP; the gallery's queue-triggered ingestion runs under the Functions host alone.
        Assert.Equal(["GalleryIngest queueTrigger"], metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray().Where(b => b.GetProperty("type").GetString()!.EndsWith("Trigger"))
                .Select(b => $"{f.GetProperty("name").GetString()} {b.GetProperty("type").GetString()}"))
            .Where(trigger => !trigger.EndsWith(" httpTrigger")));
        var functionsHost = metadata.RootElement.EnumerateArray()
            .Where(f => f.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "httpTrigger"))
            .Select(f =>
            {
                var trigger = f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger");
                var methods = trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).Order();
                return $"{f.GetProperty("name").GetString()} {string.Join(",", methods)} api/{trigger.GetProperty("route").GetString()}";
            })
            .Order().ToList();
        var localHost = FunctionEndpoints.Discover(typeof(HealthFunction).Assembly)
            .Select(r => $"{r.Name} {string.Join(",", r.Methods.Order())} {r.Route}")
            .Order().ToList();
        Assert.Equal(["Compose POST api/compose", "ComposeForm POST api/compose/form", "GalleryAdd POST api/gallery", "GalleryAddForm POST api/gallery/form",
            "GalleryErase DELETE api/gallery/{id}", "GalleryEraseTenant DELETE api/gallery", "GalleryList GET api/gallery", "Health GET api/health", "Image GET api/images/{id}",
            "Labels GET api/labels", "OpenApi GET api/openapi.json", "Search POST api/search", "SearchForm POST api/search/form",
            "Ui GET api/ui", "UiFile GET api/ui/{file}"], functionsHost);
        Assert.Equal(functionsHost, localHost);
        // Anonymous to the Functions host, so that a bearer token reaches the worker, which checks every caller itself (docs/access.md).
        Assert.All(metadata.RootElement.EnumerateArray().SelectMany(f => f.GetProperty("bindings").EnumerateArray())
                .Where(b => b.GetProperty("type").GetString() == "httpTrigger"),
            trigger => Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString(), ignoreCase: true));
    }

    [Fact]
    public void The_openapi_document_describes_every_route_with_its_methods()
    {
        using var document = JsonDocument.Parse(OpenApiDocument.Build(new ServingOptions(), new FaceFunctions.Functions.Access.AccessOptions()).ToJsonString());
        var paths = document.RootElement.GetProperty("paths");
        var described = paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name.TrimStart('/')}"))
            .Order().ToList();
        // The page and its files are for people, not client generators: the document leaves them out.
        var served = FunctionEndpoints.Discover(typeof(HealthFunction).Assembly)
            .Where(r => r.Name is not ("Ui" or "UiFile"))
            .SelectMany(r => r.Methods.Select(m => $"{m} {r.Route}"))
            .Order().ToList();
        Assert.Equal(served, described);
        Assert.Equal("3.0.3", document.RootElement.GetProperty("openapi").GetString());
        var references = document.RootElement.GetRawText().Split("\"$ref\":\"#/components/schemas/").Skip(1).ToList();
        Assert.NotEmpty(references);
        foreach (var reference in references)
            Assert.True(document.RootElement.GetProperty("components").GetProperty("schemas").TryGetProperty(reference[..reference.IndexOf('"')], out _), reference);
        // Every operation but health and this document names both credentials and the gate's answers, so generated clients send them.
        Assert.Equal(["bearer", "serviceKey", "serviceKeyQuery"], document.RootElement.GetProperty("components").GetProperty("securitySchemes")
            .EnumerateObject().Select(s => s.Name).Order());
        foreach (var path in paths.EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject())
            {
                var isPublic = path.Name is "/api/health" or "/api/openapi.json";
                var schemes = operation.Value.GetProperty("security").EnumerateArray().SelectMany(s => s.EnumerateObject().Select(p => p.Name)).Order();
                Assert.Equal(isPublic ? [] : ["bearer", "serviceKey", "serviceKeyQuery"], schemes);
                Assert.All(new[] { "401", "403" }, status =>
                    Assert.Equal(!isPublic, operation.Value.GetProperty("responses").TryGetProperty(status, out _)));
            }
    }

    [Fact]
    public void The_openapi_document_gives_the_k_limit_and_default_of_the_settings()
    {
        using var document = JsonDocument.Parse(OpenApiDocument.Build(new ServingOptions { MaxK = 7, DefaultK = 3 }, new FaceFunctions.Functions.Access.AccessOptions()).ToJsonString());
        var search = document.RootElement.GetProperty("paths").GetProperty("/api/search").GetProperty("post").GetProperty("parameters")[0];
        var compose = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("ComposeQuery").GetProperty("properties").GetProperty("k");
        foreach (var k in new[] { search.GetProperty("schema"), compose })
            Assert.Equal((7, 3), (k.GetProperty("maximum").GetInt32(), k.GetProperty("default").GetInt32()));
    }
}
