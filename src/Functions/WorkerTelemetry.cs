using Azure.Core;
using Azure.Identity;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FaceFunctions.Functions;

/// <summary>
/// The worker's own telemetry. The Functions host sends only what the host logs; the worker's logs (the model loader's
/// warnings among them, which the model-load alert queries) reach Application Insights through this SDK, each with
/// its logger's category as customDimensions.CategoryName. The resource takes no keys (DisableLocalAuth), so where
/// APPLICATIONINSIGHTS_AUTHENTICATION_STRING asks for Entra ID the telemetry is sent with the app's managed identity.
/// </summary>
public static class WorkerTelemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Application Insights for the worker where a connection string is set; nothing otherwise (local runs).</summary>
    public static IServiceCollection AddWorkerTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]))
            return services;
        services.AddApplicationInsightsTelemetryWorkerService();
        services.ConfigureFunctionsApplicationInsights();
        if (EntraCredential(configuration[AuthenticationSetting]) is { } credential)
            services.Configure<TelemetryConfiguration>(telemetry => telemetry.SetAzureTokenCredential(credential));
        return services;
    }

    /// <summary>
    /// "Authorization=AAD" (Microsoft's format: "Authorization=AAD;ClientId=...") gives the managed identity, the
    /// user-assigned one where a client id is named; anything else, none.
    /// </summary>
    public static TokenCredential? EntraCredential(string? authentication)
    {
        var parts = (authentication ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var kind) || !kind.Equals("AAD", StringComparison.OrdinalIgnoreCase))
            return null;
        return parts.TryGetValue("ClientId", out var clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
