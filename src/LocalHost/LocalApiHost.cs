using FaceFunctions.Functions;
using FaceFunctions.Functions.Api;

namespace FaceFunctions.LocalHost;

/// <summary>
/// A plain ASP.NET Core host for the function classes, for machines without the Azure Functions Core Tools and for
/// the integration tests. "--model FOLDER" is short for "--Storage:Folder FOLDER". Errors the web stack answers itself
/// (404, 405, and anything unhandled) are problem details too; Kestrel's own 414 and 431 come before the app sees the
/// request and stay empty.
/// </summary>
public static class LocalApiHost
{
    private static readonly Dictionary<string, string> SwitchMappings = new() { ["--model"] = "Storage:Folder" };

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, SwitchMappings);
        builder.Services.AddMvcCore();
        // Answers the web stack makes itself (404 on an unknown route, 405) become problem details as well.
        builder.Services.AddProblemDetails();
        builder.Services.AddFaceFunctions(builder.Configuration);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapFunctions(typeof(HealthFunction).Assembly);
        return app;
    }
}
