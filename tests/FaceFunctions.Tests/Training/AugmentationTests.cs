using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Training;
using Xunit;
using static TorchSharp.torch;

namespace FaceFunctions.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class AugmentationTests
{
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
        Assert.Equal(0, Mirrored(Augmentation.Apply(LitFromTheLeft(), flip: false)));
    }

    [Fact]
    public void With_the_flip_about_half_the_images_change_sides()
    {
        manual_seed(5);
        Assert.InRange(Mirrored(Augmentation.Apply(LitFromTheLeft(), flip: true)), 16, 48);
    }
}
