using FaceFunctions.TrainingJob.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceFunctions.Tests.Imaging;

/// <summary>
/// Deterministic mutations of small valid images of every accepted format, as a fuzzer makes them: bit flips,
/// truncation, inserted and duplicated bytes, and header fields set to extreme values.
/// </summary>
public static class ImageMutations
{
    public sealed record Seed(string Format, string ContentType, byte[] Bytes);

    public sealed record Input(int Number, string Format, string ContentType, string Mutation, byte[] Bytes);

    /// <summary>A drawn face, 48 px, in each accepted format (colour and gray, a two-frame GIF and TIFF).</summary>
    public static IReadOnlyList<Seed> Seeds()
    {
        var options = new SyntheticFacesOptions { Size = 48 };
        using var gray = SyntheticFaces.Render(0, 3, 0, options);
        using var colour = gray.CloneAs<Rgb24>();
        using var animated = colour.Clone();
        animated.Frames.AddFrame(SyntheticFaces.Render(1, 4, 0, options).CloneAs<Rgb24>().Frames.RootFrame);
        return
        [
            new("png", "image/png", Encode(colour, new PngEncoder())),
            new("png-gray", "image/png", Encode(gray, new PngEncoder())),
            new("jpeg", "image/jpeg", Encode(colour, new JpegEncoder { Quality = 80 })),
            new("jpeg-gray", "image/jpeg", Encode(gray, new JpegEncoder { Quality = 80 })),
            new("tiff", "image/tiff", Encode(colour, new TiffEncoder())),
            new("tiff-lzw", "image/tiff", Encode(gray, new TiffEncoder { Compression = SixLabors.ImageSharp.Formats.Tiff.Constants.TiffCompression.Lzw })),
            new("tiff-two-pages", "image/tiff", HostileImages.Tiff((48, 48, new byte[48 * 48]), (48, 48, new byte[48 * 48]))),
            new("gif", "image/gif", Encode(animated, new GifEncoder())),
            new("bmp", "image/bmp", Encode(colour, new BmpEncoder())),
        ];
    }

    /// <summary><paramref name="count"/> inputs, the same for the same seed: each a seed and one to three mutations.</summary>
    public static IEnumerable<Input> Generate(int count, int seed = 1)
    {
        var seeds = Seeds();
        var random = new Random(seed);
        for (var n = 0; n < count; n++)
        {
            var source = seeds[n % seeds.Count];
            var bytes = source.Bytes.ToList();
            var applied = new List<string>();
            for (var m = random.Next(1, 4); m > 0; m--)
                applied.Add(Mutate(bytes, random));
            yield return new Input(n, source.Format, source.ContentType, string.Join(", ", applied), bytes.ToArray());
        }
    }

    private static string Mutate(List<byte> bytes, Random random)
    {
        if (bytes.Count == 0)
        {
            bytes.Add((byte)random.Next(256));
            return "one byte";
        }
        var at = random.Next(bytes.Count);
        switch (random.Next(5))
        {
            case 0:
                for (var i = random.Next(1, 9); i > 0; i--)
                {
                    var bit = random.Next(bytes.Count * 8);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                }
                return "bit flips";
            case 1:
                bytes.RemoveRange(at, bytes.Count - at);
                return $"cut at {at}";
            case 2:
                bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256)));
                return $"bytes inserted at {at}";
            case 3:
                var length = Math.Min(random.Next(1, 256), bytes.Count - at);
                bytes.InsertRange(at, bytes.GetRange(at, length));
                return $"{length} bytes duplicated at {at}";
            default:
                // A header field: sizes, counts and offsets live in the first bytes of every format.
                var field = random.Next(Math.Min(bytes.Count, 64));
                byte[] extreme = [0x00, 0xFF, 0x7F, 0x80, 0x01];
                for (var i = 0; i < 4 && field + i < bytes.Count; i++)
                    bytes[field + i] = extreme[random.Next(extreme.Length)];
                return $"header field at {field}";
        }
    }

    private static byte[] Encode(Image image, IImageEncoder encoder)
    {
        using var buffer = new MemoryStream();
        image.Save(buffer, encoder);
        return buffer.ToArray();
    }
}
