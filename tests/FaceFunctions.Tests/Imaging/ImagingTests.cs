using System.Text.Json;
using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
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
    public void The_fit_is_written_by_its_name_and_an_unknown_one_is_not_read()
    {
        var json = JsonSerializer.Serialize(new Preprocessing(), ModelJson.Options);
        Assert.Contains("\"resize\": \"center-crop\"", json);
        Assert.Equal(ImageFit.CenterCrop, JsonSerializer.Deserialize<Preprocessing>(json, ModelJson.Options)!.Resize);
        Assert.Equal(ImageFit.Stretch, JsonSerializer.Deserialize<Preprocessing>(json.Replace("center-crop", "stretch"), ModelJson.Options)!.Resize);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Preprocessing>(json.Replace("center-crop", "squash"), ModelJson.Options));
    }

    [Fact]
    public void Stretch_keeps_the_whole_width_where_center_crop_cuts_the_sides()
    {
        // 40 x 20, its left eighth white: the middle 20 x 20 that center-crop keeps is all black.
        using var image = new Image<Rgb24>(40, 20, new Rgb24(0, 0, 0));
        for (var y = 0; y < 20; y++)
        for (var x = 0; x < 5; x++)
            image[x, y] = new Rgb24(255, 255, 255);
        var crop = new Preprocessing { ImageSize = 8, Mean = [0f, 0f, 0f], Std = [1f, 1f, 1f] };
        var stretch = crop with { Resize = ImageFit.Stretch };
        Assert.All(crop.Apply(image), v => Assert.Equal(0f, v, 3));
        var stretched = stretch.Apply(image);
        Assert.InRange(stretched[0], 0.8f, 1f); // row 0, column 0: white (mostly; the resampler blends its neighbour in)
        Assert.Equal(0f, stretched[7], 2); // row 0, column 7: black
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
        var error = Assert.Throws<ImageDecodeException>(() => new ImageDecoder().Decode(png.AsSpan(0, png.Length / 2).ToArray()));
        Assert.Equal(ImageDecodeFailure.Corrupt, error.Failure);
    }

    [Fact]
    public void A_20000_by_20000_header_is_refused_before_decoding()
    {
        var error = Assert.Throws<ImageDecodeException>(() => new ImageDecoder().Decode(HostileImages.PngHeader(20000, 20000)));
        Assert.Equal(ImageDecodeFailure.TooLarge, error.Failure);
        Assert.Contains("20000x20000", error.Message);
    }

    public static TheoryData<string, byte[]> Unusable => new()
    {
        { "a TIFF header and nothing else", "II*\0\b\0\0\0"u8.ToArray() },
        { "a TIFF whose directory is cut", [.. HostileImages.Tiff((8, 8, new byte[64]))[..20]] },
        { "a PGM with maxval 0 (PGM is not accepted)", "P5\n4 4\n0\n"u8.ToArray().Concat(new byte[16]).ToArray() },
        { "a 70000x1 BMP (over BMP's 65535)", HostileImages.Bmp(70000, 1) },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void Whatever_the_codec_throws_is_a_decode_failure(string what, byte[] bytes)
    {
        var error = Assert.Throws<ImageDecodeException>(() => new ImageDecoder().Decode(bytes));
        Assert.True(error.Failure is ImageDecodeFailure.Corrupt or ImageDecodeFailure.UnsupportedFormat, what);
    }

    [Fact]
    public void WebP_is_not_an_accepted_format()
    {
        using var image = new Image<Rgb24>(8, 8);
        using var buffer = new MemoryStream();
        image.Save(buffer, new WebpEncoder());
        Assert.Equal(ImageDecodeFailure.UnsupportedFormat, Assert.Throws<ImageDecodeException>(() => new ImageDecoder().Decode(buffer.ToArray())).Failure);
    }

    [Fact]
    public void Only_the_first_page_of_a_tiff_is_decoded_however_large_the_next_claims_to_be()
    {
        var tiff = HostileImages.Tiff((8, 8, Enumerable.Repeat((byte)200, 64).ToArray()), (20000, 20000, new byte[64]));
        var before = GC.GetAllocatedBytesForCurrentThread();
        using var decoded = new ImageDecoder().Decode(tiff);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal((8, 8), (decoded.Width, decoded.Height));
        Assert.Equal(1, decoded.Frames.Count);
        Assert.Equal(200, decoded[3, 3].R);
        Assert.True(allocated < 32_000_000, $"decoding allocated {allocated / 1_000_000} MB");
    }

    [Fact]
    public void Only_the_first_frame_of_an_animated_gif_is_decoded()
    {
        using var animation = new Image<Rgb24>(64, 64, new Rgb24(255, 0, 0));
        for (var i = 0; i < 5; i++)
            animation.Frames.AddFrame(new Image<Rgb24>(64, 64, new Rgb24(0, 0, 255)).Frames.RootFrame);
        using var buffer = new MemoryStream();
        animation.Save(buffer, new GifEncoder());
        using var decoded = new ImageDecoder().Decode(buffer.ToArray());
        Assert.Equal(1, decoded.Frames.Count);
        Assert.True(decoded[10, 10].R > 200 && decoded[10, 10].B < 50, "the first (red) frame");
    }

    [Fact]
    public void Exif_orientation_turns_the_image_upright()
    {
        using var sideways = new Image<Rgb24>(40, 20, new Rgb24(0, 0, 0));
        for (var x = 0; x < 20; x++)
        for (var y = 0; y < 20; y++)
            sideways[x, y] = new Rgb24(255, 255, 255); // the left half white
        sideways.Metadata.ExifProfile = new ExifProfile();
        sideways.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6); // stored turned 90 degrees anticlockwise
        using var buffer = new MemoryStream();
        sideways.SaveAsJpeg(buffer);
        using var upright = new ImageDecoder().Decode(buffer.ToArray());
        Assert.Equal((20, 40), (upright.Width, upright.Height));
        Assert.True(upright[10, 5].R > 200, "the stored left half is on top once turned clockwise");
        Assert.True(upright[10, 35].R < 50);
    }

    [Fact]
    public void A_60000_by_1_image_is_preprocessed_from_its_middle_without_blowing_up()
    {
        using var decoded = new ImageDecoder().Decode(HostileImages.Bmp(60000, 1));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var values = new Preprocessing { ImageSize = 128 }.Apply(decoded);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        Assert.True(allocated < 32_000_000, $"preprocessing allocated {allocated / 1_000_000} MB");
    }
}
