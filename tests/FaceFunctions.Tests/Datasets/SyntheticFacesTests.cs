using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace FaceFunctions.Tests.Datasets;

public sealed class SyntheticFacesTests
{
    private static readonly SyntheticFacesOptions Small = new() { Persons = 3, VariantsPerCell = 2, Size = 64, Seed = 5 };

    [Fact]
    public void The_same_seed_draws_the_same_files()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        var first = SyntheticFaces.Write(a.Path, Small);
        var second = SyntheticFaces.Write(b.Path, Small);
        Assert.Equal(3 * 7 * 2, first.Count);
        Assert.Equal(first.Select(Path.GetFileName), second.Select(Path.GetFileName));
        foreach (var (x, y) in first.Zip(second))
            Assert.Equal(File.ReadAllBytes(x), File.ReadAllBytes(y));
    }

    [Fact]
    public void Files_are_256_pixel_8_bit_gray_tiffs_in_jaffe_naming()
    {
        using var folder = new TempFolder();
        var path = SyntheticFaces.Write(folder.Path, Small with { Size = 256, Persons = 2, VariantsPerCell = 1 })[0];
        Assert.Matches(@"^AK\.AN1\.1\.tiff$", Path.GetFileName(path));
        using var stream = File.OpenRead(path);
        var info = Image.Identify(stream, out var format);
        Assert.Equal("TIFF", format.Name);
        Assert.Equal((256, 256), (info.Width, info.Height));
        Assert.Equal(8, info.PixelType.BitsPerPixel);
    }

    [Fact]
    public void Persons_differ_more_than_variants_of_one_face()
    {
        using var neutral = SyntheticFaces.Render(0, 4, 0, Small);
        using var variant = SyntheticFaces.Render(0, 4, 1, Small);
        using var smiling = SyntheticFaces.Render(0, 3, 0, Small);
        using var other = SyntheticFaces.Render(1, 4, 0, Small);
        Assert.True(Distance(neutral, smiling) > 0, "an expression changes the face");
        Assert.True(Distance(neutral, other) > Distance(neutral, smiling), "another person differs more than another expression");
        Assert.True(Distance(neutral, variant) > 0, "variants are not copies");
    }

    private static double Distance(Image<L8> a, Image<L8> b)
    {
        double sum = 0;
        for (var y = 0; y < a.Height; y++)
        for (var x = 0; x < a.Width; x++)
            sum += Math.Abs(a[x, y].PackedValue - b[x, y].PackedValue);
        return sum / (a.Width * a.Height);
    }
}
