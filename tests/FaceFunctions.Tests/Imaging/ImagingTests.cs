using System.Buffers.Binary;
using System.IO.Hashing;
using FaceFunctions.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace FaceFunctions.Tests.Imaging;

public sealed class ImagingTests
{
    private static byte[] Png(Image image)
    {
        using var buffer = new MemoryStream();
        image.SaveAsPng(buffer);
        return buffer.ToArray();
    }

    [Fact]
    public void Gray_becomes_three_equal_channels_resized_and_normalised()
    {
        using var gray = new Image<L8>(40, 20, new L8(255));
        using var decoded = new ImageDecoder().Decode(Png(gray));
        var preprocessing = new Preprocessing { ImageSize = 8, Mean = [0.5f, 0.5f, 0.5f], Std = [0.25f, 0.25f, 0.25f] };
        var values = preprocessing.Apply(decoded);
        Assert.Equal(3 * 8 * 8, values.Length);
        Assert.All(values, v => Assert.Equal(2f, v, 3)); // (1 - 0.5) / 0.25
    }

    [Fact]
    public void Center_crop_keeps_the_middle_of_a_wide_image()
    {
        using var image = new Image<Rgb24>(30, 10, new Rgb24(0, 0, 0));
        for (var y = 0; y < 10; y++)
        for (var x = 10; x < 20; x++)
            image[x, y] = new Rgb24(255, 255, 255);
        var values = new Preprocessing { ImageSize = 10, Mean = [0, 0, 0], Std = [1, 1, 1] }.Apply(image);
        Assert.True(values.Take(100).Average() > 0.9, "the white middle fills the crop");
    }

    [Fact]
    public void Text_is_an_unsupported_format()
    {
        var error = Assert.Throws<ImageDecodeException>(() => new ImageDecoder().Decode("hello, not an image"u8.ToArray()));
        Assert.Equal(ImageDecodeFailure.UnsupportedFormat, error.Failure);
    }

    [Fact]
    public void A_truncated_png_is_corrupt()
    {
        using var image = new Image<Rgb24>(64, 64, new Rgb24(10, 200, 30));
        var png = Png(image);
        var error = Assert.Throws<ImageDecodeException>(() => new ImageDecoder().Decode(png[..(png.Length / 2)]));
        Assert.Equal(ImageDecodeFailure.Corrupt, error.Failure);
    }

    [Fact]
    public void A_20000_by_20000_header_is_refused_before_decoding()
    {
        var error = Assert.Throws<ImageDecodeException>(() => new ImageDecoder().Decode(PngHeader(20000, 20000)));
        Assert.Equal(ImageDecodeFailure.TooLarge, error.Failure);
        Assert.Contains("20000x20000", error.Message);
    }

    /// <summary>A PNG signature and IHDR chunk claiming the given size, and nothing else.</summary>
    private static byte[] PngHeader(int width, int height)
    {
        var ihdr = new byte[4 + 13];
        "IHDR"u8.CopyTo(ihdr);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(8), height);
        ihdr[12] = 8; // bit depth
        ihdr[13] = 0; // gray
        var chunk = new byte[4 + ihdr.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(chunk, 13);
        ihdr.CopyTo(chunk, 4);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(4 + ihdr.Length), Crc32.HashToUInt32(ihdr));
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. chunk];
    }
}
