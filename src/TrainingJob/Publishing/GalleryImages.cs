using System.Security.Cryptography;
using FaceFunctions.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceFunctions.TrainingJob.Publishing;

/// <summary>
/// Gallery images as PNG (what phones and browsers show), named by the SHA-256 of their pixels: pixel-identical
/// images share a name whatever their source files' encoding, a name never changes its content, so versions share
/// images and publishing never overwrites one a user relies on.
/// </summary>
public static class GalleryImages
{
    public static (string Name, byte[] Png) Encode(Image<Rgb24> image)
    {
        var pixels = new Rgb24[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(pixels.AsSpan());
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(BitConverter.GetBytes(image.Width));
        hash.AppendData(BitConverter.GetBytes(image.Height));
        hash.AppendData(bytes);
        var name = Convert.ToHexStringLower(hash.GetHashAndReset()) + ".png";

        // Written from the pixels alone, with fixed settings: gray stays one channel, colour keeps three.
        var gray = pixels.All(p => p.R == p.G && p.G == p.B);
        using var buffer = new MemoryStream();
        using (var copy = Image.LoadPixelData<Rgb24>(pixels, image.Width, image.Height))
            copy.SaveAsPng(buffer, new PngEncoder
            {
                ColorType = gray ? PngColorType.Grayscale : PngColorType.Rgb,
                BitDepth = PngBitDepth.Bit8,
            });
        return (name, buffer.ToArray());
    }

    /// <summary>Uploads the images the store does not hold yet.</summary>
    public static async Task UploadAsync(IArtifactStore store, IReadOnlyDictionary<string, byte[]> images, CancellationToken cancellationToken)
    {
        foreach (var (name, png) in images)
            if (!await store.ExistsAsync(name, cancellationToken))
                await store.WriteAsync(name, new BinaryData(png), cancellationToken);
    }
}
