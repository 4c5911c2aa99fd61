using FaceFunctions.Imaging;
using FaceFunctions.TrainingJob.Publishing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace FaceFunctions.Tests.Publishing;

public sealed class GalleryImagesTests
{
    private static Image<Rgb24> Decode(Image image, PngEncoder encoder)
    {
        using var buffer = new MemoryStream();
        image.SaveAsPng(buffer, encoder);
        return new ImageDecoder().Decode(buffer.ToArray());
    }

    [Fact]
    public void The_same_pixels_get_the_same_name_whatever_their_file_encoding()
    {
        using var face = new Image<L8>(16, 8);
        for (var x = 0; x < 16; x++) face[x, 3] = new L8((byte)(x * 16));
        using var palette = Decode(face, new PngEncoder { ColorType = PngColorType.Palette });
        using var gray = Decode(face, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit16 });
        var (first, firstPng) = GalleryImages.Encode(palette);
        var (second, secondPng) = GalleryImages.Encode(gray);
        Assert.Equal(first, second);
        Assert.Equal(firstPng, secondPng);
        gray[0, 0] = new Rgb24(1, 1, 1);
        Assert.NotEqual(first, GalleryImages.Encode(gray).Name);
    }

    [Fact]
    public void Colour_images_keep_their_colour()
    {
        using var image = new Image<Rgb24>(4, 4, new Rgb24(200, 10, 30));
        var (_, png) = GalleryImages.Encode(image);
        using var back = Image.Load<Rgb24>(png);
        Assert.Equal(new Rgb24(200, 10, 30), back[2, 2]);
    }
}
