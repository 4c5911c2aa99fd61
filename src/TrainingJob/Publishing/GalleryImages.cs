using System.Security.Cryptography;
using FaceFunctions.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceFunctions.TrainingJob.Publishing;

/// <summary>
/// Gallery images as PNG (what phones and browsers show), named by the SHA-256 of their bytes: a name never changes
/// its content, so versions share images and publishing never overwrites one a user relies on.
/// </summary>
public static class GalleryImages
{
    public static (string Name, byte[] Png) Encode(Image<Rgb24> image)
    {
        using var buffer = new MemoryStream();
        using (var gray = image.CloneAs<L8>())
            gray.SaveAsPng(buffer);
        var png = buffer.ToArray();
        return (Convert.ToHexStringLower(SHA256.HashData(png)) + ".png", png);
    }

    /// <summary>Uploads the images the store does not hold yet.</summary>
    public static async Task UploadAsync(IArtifactStore store, IReadOnlyDictionary<string, byte[]> images, CancellationToken cancellationToken)
    {
        foreach (var (name, png) in images)
            if (!await store.ExistsAsync(name, cancellationToken))
                await store.WriteAsync(name, new BinaryData(png), cancellationToken);
    }
}
