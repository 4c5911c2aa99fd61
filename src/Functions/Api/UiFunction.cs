using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// GET /api/ui: a page to try the API in a browser, and GET /api/ui/{file}: its script and style sheet. The files
/// (src/Functions/Ui) are embedded in this assembly, so the published app carries them; nothing comes from a CDN.
/// Anonymous: the page holds no data, and the API it calls asks for the key where keys are on. Its content security
/// policy lets it load only its own files and call only this app.
/// </summary>
public sealed class UiFunction
{
    private const string Page = "index.html";
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; " +
                                  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly IReadOnlyDictionary<string, (byte[] Content, string Type, EntityTagHeaderValue Tag)> Files = Load();

    // The Functions worker and the local host call function methods on an instance of their class.
    [Function("Ui")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "A function method is called on an instance.")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ui")] HttpRequest request) => Serve(request, Page);

    [Function("UiFile")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "A function method is called on an instance.")]
    public IActionResult File([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ui/{file}")] HttpRequest request, string file) =>
        file != Page && Files.ContainsKey(file) ? Serve(request, file) : Problems.NotFound($"The page has no file '{file}'.");

    private static FileContentResult Serve(HttpRequest request, string name)
    {
        var (content, type, tag) = Files[name];
        var headers = request.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache"; // revalidated by ETag: a new deployment shows at once
        return new FileContentResult(content, type) { EntityTag = tag };
    }

    private static Dictionary<string, (byte[], string, EntityTagHeaderValue)> Load()
    {
        var assembly = typeof(UiFunction).Assembly;
        var files = new Dictionary<string, (byte[], string, EntityTagHeaderValue)>(StringComparer.Ordinal);
        foreach (var (name, type) in new[] { (Page, "text/html; charset=utf-8"), ("app.js", "text/javascript; charset=utf-8"), ("app.css", "text/css; charset=utf-8") })
        {
            using var stream = assembly.GetManifestResourceStream($"ui/{name}")
                ?? throw new InvalidOperationException($"The page's file {name} is not embedded in {assembly.GetName().Name}.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            files[name] = (content, type, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\""));
        }
        return files;
    }
}
