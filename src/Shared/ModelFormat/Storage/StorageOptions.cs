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

    /// <summary>
    /// How long one try of a Blob request may wait for the network; a request tries <see cref="MaxRetries"/> more times
    /// (0.25 s, then 0.5 s apart) before the store counts as unavailable: a request that needs storage fails within
    /// about (1 + MaxRetries) × NetworkTimeout, not after the SDK's default of minutes.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(5);
    public int MaxRetries { get; set; } = 2;

    public string ModelsContainer { get; set; } = "models";
    public string ImagesContainer { get; set; } = "images";

    /// <summary>Which of the three the options name.</summary>
    /// <exception cref="InvalidOperationException">They name none, or more than one.</exception>
    public StorageTarget Target()
    {
        var named = new List<StorageTarget>();
        if (Folder is not null) named.Add(StorageTarget.Folder);
        if (ConnectionString is not null) named.Add(StorageTarget.ConnectionString);
        if (ServiceUri is not null) named.Add(StorageTarget.ServiceUri);
        return named.Count == 1
            ? named[0]
            : throw new InvalidOperationException("Name exactly one storage target: Storage:Folder, Storage:ConnectionString or Storage:ServiceUri.");
    }
}

/// <summary>Where the stores are: a folder, a Blob account by connection string, or one by URI with the managed identity.</summary>
public enum StorageTarget
{
    Folder,
    ConnectionString,
    ServiceUri,
}
