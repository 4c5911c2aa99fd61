namespace FaceFunctions.Storage;

/// <summary>
/// Where models and gallery images live: one of <see cref="Folder"/>, <see cref="ConnectionString"/> (Azurite, or an
/// account with keys) or <see cref="ServiceUri"/> (managed identity through DefaultAzureCredential).
/// Bound from the configuration section "Storage".
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public string? Folder { get; set; }
    public string? ConnectionString { get; set; }
    public Uri? ServiceUri { get; set; }

    /// <summary>Managed identity client id for a user-assigned identity; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    public string ModelsContainer { get; set; } = "models";
    public string ImagesContainer { get; set; } = "images";
}
