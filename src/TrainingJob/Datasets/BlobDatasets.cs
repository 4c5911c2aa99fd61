using Azure.Storage.Blobs;

namespace FaceFunctions.TrainingJob.Datasets;

/// <summary>
/// A dataset uploaded to Blob Storage ("blob:CONTAINER/PREFIX"), copied into a local folder so that the dataset
/// readers see it as they see any folder (file names and manifest.csv keep their paths below the prefix).
/// </summary>
public static class BlobDatasets
{
    public const string Scheme = "blob:";

    public static bool IsBlobReference(string data) => data.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <returns>The local folder, and how many files were copied.</returns>
    public static async Task<(string Folder, int Files)> DownloadAsync(string reference, BlobServiceClient service, string target,
        CancellationToken cancellationToken)
    {
        var path = reference[Scheme.Length..].Trim('/');
        var slash = path.IndexOf('/');
        var (containerName, prefix) = slash < 0 ? (path, "") : (path[..slash], path[(slash + 1)..].TrimEnd('/') + "/");
        if (containerName.Length == 0)
            throw new ArgumentException($"'{reference}' names no container: use blob:CONTAINER/FOLDER.");
        var container = service.GetBlobContainerClient(containerName);
        var files = 0;
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, cancellationToken))
        {
            var relative = blob.Name[prefix.Length..];
            var local = Path.GetFullPath(Path.Combine(target, relative));
            if (!local.StartsWith(Path.GetFullPath(target) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                continue; // a name that would leave the folder
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await container.GetBlobClient(blob.Name).DownloadToAsync(local, cancellationToken);
            files++;
        }
        if (files == 0)
            throw new ArgumentException($"No blobs under '{prefix}' in container '{containerName}'.");
        return (target, files);
    }
}
