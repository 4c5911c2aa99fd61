namespace FaceFunctions.Storage;

/// <summary>A flat namespace of named blobs ('/' separates prefixes): a local folder or a Blob Storage container.</summary>
public interface IArtifactStore
{
    /// <summary>Where the store lives, for logs and messages (never a secret).</summary>
    string Location { get; }

    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default);

    /// <exception cref="ArtifactNotFoundException">No blob has that name.</exception>
    Task<BinaryData> ReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Writes the whole blob; readers see the old content or the new, never a part.</summary>
    Task WriteAsync(string name, BinaryData content, CancellationToken cancellationToken = default);

    /// <summary>A tag that changes whenever the blob does (an ETag, or a file's length and write time); null if absent.</summary>
    Task<string?> GetVersionTagAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the whole blob only if no blob has that name (a blob's If-None-Match: *), so that of two writers racing
    /// for one name exactly one wins; false when the name was taken.
    /// </summary>
    Task<bool> TryCreateAsync(string name, BinaryData content, CancellationToken cancellationToken = default);

    /// <summary>Removes the blob; nothing happens when it is absent.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The names that start with <paramref name="prefix"/>, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default);
}

public sealed class ArtifactNotFoundException(string location, string name)
    : Exception($"'{name}' was not found in {location}.")
{
    public string Name { get; } = name;
}

/// <summary>
/// The store could not be reached or refused the request (network down, timeouts, throttling, authorisation). The
/// message is for logs: it names the store and carries the storage error's own text, which clients never see.
/// </summary>
public sealed class StorageUnavailableException(string location, string name, Exception inner)
    : Exception($"'{name}' could not be read from {location}: {inner.Message}", inner);
