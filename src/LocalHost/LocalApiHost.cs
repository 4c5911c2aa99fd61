using FaceFunctions.Functions;
using FaceFunctions.Functions.Api;

namespace FaceFunctions.LocalHost;

/// <summary>
/// A plain ASP.NET Core host for the function classes, for machines without the Azure Functions Core Tools and for
/// the integration tests. "--model FOLDER" is short for "--Storage:Folder FOLDER".
/// </summary>
public static class LocalApiHost
{
    private static readonly Dictionary<string, string> SwitchMappings = new() { ["--model"] = "Storage:Folder" };

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, SwitchMappings);
        builder.Services.AddMvcCore();
        builder.Services.AddFaceFunctions(builder.Configuration);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapFunctions(typeof(HealthFunction).Assembly);
        return app;
    }
}
