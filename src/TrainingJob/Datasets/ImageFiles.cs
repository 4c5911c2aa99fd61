namespace FaceFunctions.TrainingJob.Datasets;

/// <summary>What the datasets need to know about image files on disk.</summary>
public static class ImageFiles
{
    private static readonly HashSet<string> Extensions =
        new([".tif", ".tiff", ".png", ".jpg", ".jpeg", ".gif", ".bmp"], StringComparer.OrdinalIgnoreCase);

    public static bool HasImageExtension(string name) => Extensions.Contains(Path.GetExtension(name));

    /// <summary>The id of an image: its relative path without extension, folders joined by '~' so it fits in a URL segment.</summary>
    public static string IdOf(string relativePath)
    {
        var withoutExtension = HasImageExtension(relativePath)
            ? Path.ChangeExtension(relativePath, null)!
            : relativePath;
        return withoutExtension.Replace('\\', '/').Replace('/', '~');
    }
}
