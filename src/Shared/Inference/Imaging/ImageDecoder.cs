using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FaceFunctions.Imaging;

/// <summary>
/// Decodes the accepted formats (<see cref="AcceptedFormats"/>) into upright RGB: gray replicated to three channels,
/// EXIF orientation applied. Every byte is treated as hostile: the header is read first and images over
/// <see cref="MaxPixels"/> are refused before any pixel is allocated (decompression bombs); of an animated GIF or a
/// multi-page TIFF only the first frame is decoded, so later frames cost neither memory nor time; and whatever the
/// codecs throw on a malformed file becomes an <see cref="ImageDecodeException"/>.
/// </summary>
public sealed class ImageDecoder(long maxPixels = ImageDecoder.DefaultMaxPixels)
{
    public const long DefaultMaxPixels = 40_000_000;

    /// <summary>The formats decoded, as said to users; anything else is refused as unsupported.</summary>
    public const string AcceptedFormats = "TIFF, PNG, JPEG, GIF or BMP";

    /// <summary>The media types of <see cref="AcceptedFormats"/>, for documents that list them.</summary>
    public static readonly IReadOnlyList<string> AcceptedMediaTypes = ["image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff"];

    /// <summary>Only the accepted formats' codecs: ImageSharp's default also reads WebP, TGA and PBM.</summary>
    private static readonly Configuration Formats = CreateConfiguration();

    public long MaxPixels { get; } = maxPixels;

    public Image<Rgb24> Decode(ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty)
            throw new ImageDecodeException(ImageDecodeFailure.Corrupt, "The image is empty.");
        try
        {
            CheckSize(data);
            using var body = AsStream(data);
            var image = Image.Load<Rgb24>(Formats, body);
            image.Mutate(x => x.AutoOrient());
            return image;
        }
        catch (ImageDecodeException)
        {
            throw;
        }
        catch (UnknownImageFormatException e)
        {
            throw Unsupported(e);
        }
        catch (InvalidMemoryOperationException e)
        {
            throw new ImageDecodeException(ImageDecodeFailure.TooLarge, $"The image needs more memory than is allowed: {e.Message}", e);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // Malformed files surface from the codecs as almost any exception type (index, argument, overflow,
            // "sequence contains no elements"...): each of them means the bytes are not a usable image.
            throw new ImageDecodeException(ImageDecodeFailure.Corrupt, $"The image cannot be decoded: {e.Message}", e);
        }
    }

    public Image<Rgb24> Decode(string path) => Decode(File.ReadAllBytes(path));

    /// <summary>Null when the file decodes as an accepted image within the limits; else the reason it does not.</summary>
    public string? WhyUnusable(string path)
    {
        try
        {
            using var image = Decode(path);
            return null;
        }
        catch (ImageDecodeException e)
        {
            return e.Message;
        }
        catch (IOException e)
        {
            return $"cannot be read: {e.Message}";
        }
    }

    private void CheckSize(ReadOnlyMemory<byte> data)
    {
        IImageInfo? info;
        using (var header = AsStream(data))
            info = Image.Identify(Formats, header);
        if (info is null)
            throw Unsupported(null);
        if ((long)info.Width * info.Height > MaxPixels)
            throw new ImageDecodeException(ImageDecodeFailure.TooLarge,
                $"The image is {info.Width}x{info.Height} pixels; at most {MaxPixels} pixels are accepted.");
    }

    private static ImageDecodeException Unsupported(Exception? inner) =>
        new(ImageDecodeFailure.UnsupportedFormat, $"Not an image in a supported format: send {AcceptedFormats}.", inner);

    private static Configuration CreateConfiguration()
    {
        var configuration = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule(), new GifConfigurationModule(),
            new BmpConfigurationModule(), new TiffConfigurationModule());
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);
}
