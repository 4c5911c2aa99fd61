using FaceFunctions.Artifacts;
using FaceFunctions.Storage;

namespace FaceFunctions.TrainingJob.Publishing;

/// <summary>
/// Writes a model version as a folder: first into a staging folder beside the target, then swapped in by renames,
/// so an interrupted run leaves the previous model whole (kept as TARGET.previous until the next run).
/// </summary>
public static class FolderPublisher
{
    /// <param name="extras">Files beside the model that people look at (plots, sheets), not part of the manifest.</param>
    public static async Task WriteAsync(string folder, ModelBundle bundle, IReadOnlyDictionary<string, byte[]> images,
        IReadOnlyDictionary<string, byte[]> extras, CancellationToken cancellationToken)
    {
        folder = Path.GetFullPath(folder.TrimEnd(Path.DirectorySeparatorChar));
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()
            && !File.Exists(Path.Combine(folder, ArtifactNames.Manifest)))
            throw new IOException($"'{folder}' holds files that are not a FaceFunctions model; choose an empty or new folder.");
        var staging = $"{folder}.staging";
        if (Directory.Exists(staging))
            Directory.Delete(staging, recursive: true);
        var stores = ArtifactStores.ForFolder(staging);
        await GalleryImages.UploadAsync(stores.Images, images, cancellationToken);
        await new ModelPublisher(stores.Models).WriteVersionAsync(bundle, prefix: "", cancellationToken);
        foreach (var (name, content) in extras)
            await File.WriteAllBytesAsync(Path.Combine(staging, name), content, cancellationToken);

        var previous = $"{folder}.previous";
        if (Directory.Exists(folder))
        {
            if (Directory.Exists(previous))
                Directory.Delete(previous, recursive: true);
            Directory.Move(folder, previous);
        }
        Directory.Move(staging, folder);
    }

}
