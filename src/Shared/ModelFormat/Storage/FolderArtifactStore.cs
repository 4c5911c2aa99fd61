namespace FaceFunctions.Storage;

/// <summary>Blobs as files under a root folder. Writes go to a temporary file that is then renamed over the target.</summary>
public sealed class FolderArtifactStore(string root) : IArtifactStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Location => $"folder {Root}";

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(PathOf(name)));

    public async Task<BinaryData> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
            throw new ArtifactNotFoundException(Location, name);
        try
        {
            return new BinaryData(await File.ReadAllBytesAsync(path, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException(Location, name, e);
        }
    }

    public async Task WriteAsync(string name, BinaryData content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, content.ToMemory(), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    public async Task<bool> TryCreateAsync(string name, BinaryData content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, content.ToMemory(), cancellationToken);
        try
        {
            // Without overwrite, .NET moves on Unix by link() then unlink(): it never replaces an existing name, so
            // this is the folder's If-None-Match, atomic between processes.
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return false;
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        File.Delete(PathOf(name));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        // Only the folder that holds the names starting with the prefix is walked, not the whole store.
        var folder = Path.GetDirectoryName(PathOf(prefix + "x"))!;
        var names = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(path => !path.EndsWith(".tmp", StringComparison.Ordinal))
                .Select(path => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/'))
                .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
        return Task.FromResult<IReadOnlyList<string>>(names);
    }

    public Task<string?> GetVersionTagAsync(string name, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(PathOf(name));
        return Task.FromResult(file.Exists ? $"{file.Length}-{file.LastWriteTimeUtc.Ticks}" : null);
    }

    private string PathOf(string name)
    {
        var path = Path.GetFullPath(Path.Combine(Root, name));
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"'{name}' leaves the store's folder.", nameof(name));
        return path;
    }
}
