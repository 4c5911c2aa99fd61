using System.CommandLine;
using FaceFunctions.Storage;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>
/// The storage options every command shares. They fall back to the environment (Storage__ConnectionString,
/// Storage__ServiceUri, ...) so that the container job is configured the way the function app is.
/// </summary>
internal sealed class StorageArguments
{
    private readonly Option<string?> _connectionString = new("--storage-connection-string")
    {
        Description = "Publish to Blob Storage with this connection string. It holds the account key, which the process list shows: " +
                      "set the environment variable Storage__ConnectionString instead (the default of this option).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__ConnectionString"),
    };
    private readonly Option<Uri?> _serviceUri = new("--storage-service-uri")
    {
        Description = "Publish to this Blob service with the managed identity (DefaultAzureCredential).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__ServiceUri") is { Length: > 0 } uri ? new Uri(uri) : null,
    };
    private readonly Option<string> _modelsContainer = new("--models-container")
        { DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__ModelsContainer") ?? "models" };
    private readonly Option<string> _imagesContainer = new("--images-container")
        { DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Storage__ImagesContainer") ?? "images" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _connectionString, _serviceUri, _modelsContainer, _imagesContainer })
            command.Options.Add(option);
    }

    /// <summary>The Blob Storage the options name, for commands that need one.</summary>
    /// <exception cref="ArgumentException">They name none.</exception>
    public StorageOptions Required(ParseResult result) =>
        From(result) ?? throw new ArgumentException("Name the storage: --storage-connection-string or --storage-service-uri.");

    /// <summary>The Blob Storage the options name, or null when they name none.</summary>
    public StorageOptions? From(ParseResult result) =>
        result.GetValue(_connectionString) is { Length: > 0 } || result.GetValue(_serviceUri) is not null
            ? new StorageOptions
            {
                // The job moves large files: the SDK's own patience, not serving's fail-fast timeouts.
                NetworkTimeout = TimeSpan.FromSeconds(100),
                MaxRetries = 3,
                ConnectionString = result.GetValue(_connectionString) is { Length: > 0 } cs ? cs : null,
                ServiceUri = result.GetValue(_connectionString) is { Length: > 0 } ? null : result.GetValue(_serviceUri),
                ManagedIdentityClientId = Environment.GetEnvironmentVariable("AZURE_CLIENT_ID"),
                ModelsContainer = result.GetValue(_modelsContainer)!,
                ImagesContainer = result.GetValue(_imagesContainer)!,
            }
            : null;
}
