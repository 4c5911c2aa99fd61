using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceFunctions.Imaging;

/// <summary>
/// Decodes TIFF, PNG, JPEG, GIF and BMP into RGB (gray replicated to three channels). The header is read first and
/// images over <see cref="MaxPixels"/> are refused before any pixel is allocated (decompression bombs).
/// </summary>
public sealed class ImageDecoder(long maxPixels = ImageDecoder.DefaultMaxPixels)
{
    public const long DefaultMaxPixels = 40_000_000;

    public long MaxPixels { get; } = maxPixels;

    public Image<Rgb24> Decode(ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty)
            throw new ImageDecodeException(ImageDecodeFailure.Corrupt, "The image is empty.");
        try
        {
            IImageInfo? info;
            using (var header = AsStream(data))
                info = Image.Identify(header);
            if (info is null)
                throw new ImageDecodeException(ImageDecodeFailure.UnsupportedFormat,
                    "Not an image in a supported format: send TIFF, PNG, JPEG, GIF or BMP.");
            if ((long)info.Width * info.Height > MaxPixels)
                throw new ImageDecodeException(ImageDecodeFailure.TooLarge,
                    $"The image is {info.Width}x{info.Height} pixels; at most {MaxPixels} pixels are accepted.");
            using var body = AsStream(data);
            return Image.Load<Rgb24>(body);
        }
        catch (UnknownImageFormatException e)
        {
            throw new ImageDecodeException(ImageDecodeFailure.UnsupportedFormat,
                "Not an image in a supported format: send TIFF, PNG, JPEG, GIF or BMP.", e);
        }
        catch (Exception e) when (e is InvalidImageContentException or ImageFormatException or NotSupportedException
                                      or IndexOutOfRangeException or ArgumentException or EndOfStreamException)
        {
            // Truncated or malformed files surface from the codecs as any of these.
            throw new ImageDecodeException(ImageDecodeFailure.Corrupt, $"The image cannot be decoded: {e.Message}", e);
        }
    }

    public Image<Rgb24> Decode(string path) => Decode(File.ReadAllBytes(path));

    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);
}
