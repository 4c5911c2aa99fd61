using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Model;
using FaceFunctions.TrainingJob.Training;
using Xunit;
using static TorchSharp.torch;

namespace FaceFunctions.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class AugmentationTests
{
    private static readonly Preprocessing MobileNet = new MobileNetV2Embedder(widthMultiplier: 0.25).Preprocessing(16);
    private static readonly Preprocessing ResNet = new ResNetEmbedder().Preprocessing(16);

    // 64 images bright on their left half and dark on their right: a mirrored one is dark on the left.
    private static Tensor LitFromTheLeft()
    {
        var image = zeros(1, 3, 16, 16);
        image[.., .., .., TensorIndex.Slice(0, 8)] = ones(1, 3, 16, 8) * 2;
        return image.expand(64, 3, 16, 16).contiguous();
    }

    private static int Mirrored(Tensor augmented)
    {
        var left = augmented[.., .., .., TensorIndex.Slice(0, 8)].mean([1L, 2L, 3L]);
        var right = augmented[.., .., .., TensorIndex.Slice(8, 16)].mean([1L, 2L, 3L]);
        return (int)(left < right).sum().item<long>();
    }

    [Fact]
    public void Without_the_flip_no_image_changes_sides()
    {
        manual_seed(5);
        Assert.Equal(0, Mirrored(Augmentation.Apply(LitFromTheLeft(), flip: false, MobileNet, AugmentationSettings.Default)));
    }

    [Fact]
    public void With_the_flip_about_half_the_images_change_sides()
    {
        manual_seed(5);
        Assert.InRange(Mirrored(Augmentation.Apply(LitFromTheLeft(), flip: true, MobileNet, AugmentationSettings.Default)), 16, 48);
    }

    /// <summary>64 mid-grey images (pixel value 0.5), normalised as <paramref name="preprocessing"/> says.</summary>
    private static Tensor Grey(Preprocessing preprocessing) =>
        ((full(64, 3, 16, 16, 0.5f) - tensor(preprocessing.Mean).reshape(1, 3, 1, 1)) / tensor(preprocessing.Std).reshape(1, 3, 1, 1)).contiguous();

    private static Tensor Pixels(Tensor normalised, Preprocessing preprocessing) =>
        normalised * tensor(preprocessing.Std).reshape(1, 3, 1, 1) + tensor(preprocessing.Mean).reshape(1, 3, 1, 1);

    [Fact]
    public void The_jitter_is_the_same_in_pixels_whatever_the_backbones_normalisation()
    {
        manual_seed(5);
        var onMobileNet = Pixels(Augmentation.Apply(Grey(MobileNet), flip: true, MobileNet, AugmentationSettings.Default), MobileNet);
        manual_seed(5);
        var onResNet = Pixels(Augmentation.Apply(Grey(ResNet), flip: true, ResNet, AugmentationSettings.Default), ResNet);
        Assert.True(onMobileNet.allclose(onResNet, rtol: 1e-4, atol: 1e-4));
        // Brightness moves a mid-grey image by a visible amount: the factor is drawn from 0.6-1.4, so about 0.1 on average.
        var shift = (onResNet - 0.5f).abs().mean().item<float>();
        Assert.InRange(shift, 0.05f, 0.2f);
        Assert.InRange(onResNet.min().item<float>(), 0f, 1f);
        Assert.InRange(onResNet.max().item<float>(), 0f, 1f);
    }

    /// <summary>Only the colour cast, on mid-grey images: no crop, shear or jitter moves them.</summary>
    private static readonly AugmentationSettings CastOnly = new(1, 1, 1, 0, 0, 0, 0, 0, ColourCast: 0.15);

    [Fact]
    public void The_colour_cast_scales_each_channel_by_its_own_gain_within_its_spread()
    {
        manual_seed(5);
        var pixels = Pixels(Augmentation.Apply(Grey(ResNet), flip: false, ResNet, CastOnly), ResNet);
        var gains = pixels.mean([2L, 3L]) / 0.5f; // [64, 3]: each image's gain per channel
        Assert.InRange(gains.min().item<float>(), 0.85f - 1e-4f, 1f);
        Assert.InRange(gains.max().item<float>(), 1f, 1.15f + 1e-4f);
        // Channels drawn apart: a cast tints, it does not only brighten.
        Assert.True((gains[.., 0] - gains[.., 2]).abs().mean().item<float>() > 0.03f);
        // A turn to grey leaves the three channels equal, in about the share asked for.
        manual_seed(5);
        var greyed = Pixels(Augmentation.Apply(Grey(ResNet), flip: false, ResNet, CastOnly with { Greyscale = 0.5 }), ResNet).mean([2L, 3L]);
        var equal = (int)((greyed[.., 0] - greyed[.., 2]).abs() < 1e-5f).sum().item<long>();
        Assert.InRange(equal, 16, 48);
    }

    [Fact]
    public void A_cast_and_greyscale_leave_the_seeds_other_draws_as_they_were()
    {
        // On mid-grey images the default's jitter leaves each image one grey, 0.5 x its brightness factor (0.6-1.4).
        // Drawn last, a cast only scales that by each channel's gain (0.85-1.15), and greyscale changes nothing; drawn
        // earlier, either would shift the brightness draws, and the ratios would spread up to 0.43-2.3.
        var without = AugmentationSettings.Default with { ColourCast = 0, Greyscale = 0 };
        Tensor Augmented(AugmentationSettings settings)
        {
            manual_seed(5);
            return Pixels(Augmentation.Apply(Grey(ResNet), flip: true, ResNet, settings), ResNet).mean([2L, 3L]); // [64, 3]
        }
        var plain = Augmented(without);
        var gains = Augmented(without with { ColourCast = 0.15 }) / plain;
        Assert.InRange(gains.min().item<float>(), 0.85f - 1e-4f, 1f);
        Assert.InRange(gains.max().item<float>(), 1f, 1.15f + 1e-4f);
        Assert.True(Augmented(without with { Greyscale = 1 }).allclose(plain, rtol: 0, atol: 1e-5));
        Assert.InRange((plain / 0.5f).min().item<float>(), 0.6f - 1e-4f, 0.8f); // the brightness draws do spread
    }
}
