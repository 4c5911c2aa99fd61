using System.Numerics;
using FaceFunctions.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace FaceFunctions.Tests.Imaging;

public sealed class AffineSamplerTests
{
    /// <summary>A 16x16 image whose pixel (x, y) has red x * 16, green y * 16 and blue 200.</summary>
    private static Image<Rgb24> Ramp()
    {
        var image = new Image<Rgb24>(16, 16);
        for (var y = 0; y < 16; y++)
        for (var x = 0; x < 16; x++)
            image[x, y] = new Rgb24((byte)(x * 16), (byte)(y * 16), 200);
        return image;
    }

    [Fact]
    public void The_identity_map_reproduces_the_image()
    {
        using var image = Ramp();
        using var copy = AffineSampler.SampleImage(image, Matrix3x2.Identity, 16, 16);
        for (var y = 0; y < 16; y++)
        for (var x = 0; x < 16; x++)
            Assert.Equal(image[x, y], copy[x, y]);
    }

    [Fact]
    public void Halving_averages_each_two_by_two_block()
    {
        using var image = Ramp();
        var values = AffineSampler.Sample(image, Matrix3x2.CreateScale(2), 8, 8);
        // Output pixel (3, 5) covers image pixels x 6-7, y 10-11: red (96 + 112) / 2, green (160 + 176) / 2.
        var at = (5 * 8 + 3) * 3;
        Assert.Equal(104f, values[at], 2);
        Assert.Equal(168f, values[at + 1], 2);
        Assert.Equal(200f, values[at + 2], 2);
    }

    [Fact]
    public void A_quarter_turn_moves_each_pixel_where_the_turn_puts_it()
    {
        using var image = Ramp();
        // Output (x, y) shows image (y, 15 - x): turned a quarter about the centre.
        var toImage = new Matrix3x2(0, -1, 1, 0, 0, 16);
        using var turned = AffineSampler.SampleImage(image, toImage, 16, 16);
        Assert.Equal(image[4, 15 - 2], turned[2, 4]);
        Assert.Equal(image[9, 15 - 11], turned[11, 9]);
    }

    [Fact]
    public void Outside_the_image_is_black()
    {
        using var image = Ramp();
        var values = AffineSampler.Sample(image, Matrix3x2.CreateTranslation(100, 100), 4, 4);
        Assert.All(values, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_large_shrink_is_bounded_and_still_averages()
    {
        using var image = new Image<Rgb24>(640, 640, new Rgb24(10, 20, 30));
        var values = AffineSampler.Sample(image, Matrix3x2.CreateScale(80), 8, 8);
        Assert.All(values.Chunk(3), rgb => Assert.Equal([10f, 20f, 30f], rgb.Select(v => MathF.Round(v, 3))));
    }
}
