using FaceFunctions.Artifacts;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FaceFunctions.Imaging;

/// <summary>An image as the network's input values, as a model's <see cref="Preprocessing"/> says (its fit, mean and std).</summary>
public static class InputValues
{
    /// <summary>Writes the image as CHW floats into <paramref name="destination"/> (length <see cref="Preprocessing.ValuesPerImage"/>).</summary>
    public static void Apply(this Preprocessing preprocessing, Image<Rgb24> image, Span<float> destination)
    {
        if (destination.Length != preprocessing.ValuesPerImage)
            throw new ArgumentException($"Expected {preprocessing.ValuesPerImage} values, got {destination.Length}.", nameof(destination));
        // An image already at the input size (the face step's crop) is what the resize would copy.
        using var resized = image.Width == preprocessing.ImageSize && image.Height == preprocessing.ImageSize ? null : image.Clone(x => preprocessing.Fit(x, image.Width, image.Height));
        var plane = preprocessing.ImageSize * preprocessing.ImageSize;
        var scale = new float[3];
        var shift = new float[3];
        for (var c = 0; c < 3; c++)
        {
            scale[c] = 1f / (255f * preprocessing.Std[c]);
            shift[c] = preprocessing.Mean[c] / preprocessing.Std[c];
        }
        var pixels = new Rgb24[plane];
        (resized ?? image).CopyPixelDataTo(pixels);
        for (var i = 0; i < plane; i++)
        {
            destination[i] = pixels[i].R * scale[0] - shift[0];
            destination[plane + i] = pixels[i].G * scale[1] - shift[1];
            destination[2 * plane + i] = pixels[i].B * scale[2] - shift[2];
        }
    }

    /// <summary>
    /// The preprocessing's fit in one pass that allocates only the output: <see cref="ImageFit.CenterCrop"/> scales the
    /// shorter side to <see cref="Preprocessing.ImageSize"/> and crops the middle; <see cref="ImageFit.Stretch"/> scales
    /// each side to it. An image far from square (70000x1) would make the crop's pass plan a row of millions of pixels,
    /// so its middle square is cut out first.
    /// </summary>
    private static void Fit(this Preprocessing preprocessing, IImageProcessingContext context, int width, int height)
    {
        var (shorter, longer) = (Math.Min(width, height), Math.Max(width, height));
        var crop = preprocessing.Resize == ImageFit.CenterCrop;
        if (crop && (long)longer * preprocessing.ImageSize / shorter > MaxAspect * preprocessing.ImageSize)
            context.Crop(new Rectangle((width - shorter) / 2, (height - shorter) / 2, shorter, shorter));
        context.Resize(new ResizeOptions
        {
            Size = new Size(preprocessing.ImageSize, preprocessing.ImageSize),
            Mode = crop ? ResizeMode.Crop : ResizeMode.Stretch,
            Sampler = KnownResamplers.Triangle,
        });
    }

    /// <summary>Longer side over shorter side beyond which the middle square is cut out before resizing.</summary>
    private const int MaxAspect = 8;

    public static float[] Apply(this Preprocessing preprocessing, Image<Rgb24> image)
    {
        var values = new float[preprocessing.ValuesPerImage];
        preprocessing.Apply(image, values);
        return values;
    }
}
