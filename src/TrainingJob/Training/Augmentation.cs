using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// Augmentations on a whole batch at once, in pixel space (values in [0, 1]) whatever the backbone's normalisation:
/// random resized crop, shear, rotation and horizontal flip as one affine resampling, then brightness, contrast and
/// saturation jitter as torchvision's ColorJitter does them; then normalised again. How far each goes is
/// <see cref="AugmentationSettings"/>. Draws from torch's seeded generator.
/// </summary>
public static class Augmentation
{
    /// <summary>ITU-R 601 luma, torchvision's grayscale for saturation.</summary>
    private static readonly float[] LumaWeights = [0.299f, 0.587f, 0.114f];

    /// <param name="batch">Images normalised by <paramref name="preprocessing"/>, [N, 3, S, S].</param>
    /// <param name="flip">Mirror half the images; false leaves left and right as they are.</param>
    public static Tensor Apply(Tensor batch, bool flip, Preprocessing preprocessing, AugmentationSettings settings)
    {
        using var scope = NewDisposeScope();
        var n = batch.shape[0];
        var device = batch.device;
        Tensor Uniform(double low, double high) => rand(n, device: device) * (high - low) + low;
        var mean = tensor(preprocessing.Mean, device: device).reshape(1, 3, 1, 1);
        var std = tensor(preprocessing.Std, device: device).reshape(1, 3, 1, 1);
        var pixels = batch * std + mean;

        var scale = Uniform(settings.CropSideMin, 1.0);
        var aspect = Uniform(Math.Log(settings.AspectMin), Math.Log(settings.AspectMax)).exp().sqrt();
        var sx = scale * aspect;
        var sy = scale / aspect;
        var tx = (Uniform(-1, 1) * (1 - sx)).clamp_min(-1);
        var ty = (Uniform(-1, 1) * (1 - sy)).clamp_min(-1);
        var shear = Uniform(-settings.Shear, settings.Shear);
        // Drawn either way, so that turning the flip off leaves every other draw of the seed as it was.
        var mirror = (rand(n, device: device) < 0.5).to_type(ScalarType.Float32) * 2 - 1;
        if (!flip)
            mirror = ones(n, device: device);
        var theta = Rotated(stack([sx * mirror, shear, tx, zeros(n, device: device), sy, ty], dim: 1).reshape(n, 2, 3), settings.RotationDegrees);
        var grid = nn.functional.affine_grid(theta, batch.shape, align_corners: false);
        var moved = nn.functional.grid_sample(pixels, grid, mode: GridSampleMode.Bilinear,
            padding_mode: GridSamplePaddingMode.Border, align_corners: false);
        return ((Jittered(moved, settings) - mean) / std).MoveToOuterDisposeScope();
    }

    /// <summary>The affine maps turned by a random angle of up to <paramref name="degrees"/>; none drawn for 0, leaving the seed's other draws as they were.</summary>
    private static Tensor Rotated(Tensor theta, double degrees)
    {
        if (degrees == 0) return theta;
        var n = theta.shape[0];
        var angle = (rand(n, device: theta.device) * 2 - 1) * (degrees * Math.PI / 180);
        var (cos, sin) = (angle.cos(), angle.sin());
        var rotation = stack([cos, -sin, sin, cos], dim: 1).reshape(n, 2, 2);
        return rotation.matmul(theta);
    }

    /// <summary>
    /// Brightness, contrast, saturation, the colour cast, then greyscale (none drawn for 0, leaving the seed's other
    /// draws as they were), clamped to [0, 1] after each.
    /// </summary>
    private static Tensor Jittered(Tensor pixels, AugmentationSettings settings)
    {
        var n = pixels.shape[0];
        Tensor Factor(double spread, long channels = 1) =>
            (rand(n, channels, device: pixels.device) * 2 * spread + (1 - spread)).reshape(n, channels, 1, 1);
        var brightened = (pixels * Factor(settings.Brightness)).clamp(0, 1);
        var grey = brightened.mean([1L, 2L, 3L], keepdim: true);
        var jittered = ((brightened - grey) * Factor(settings.Contrast) + grey).clamp(0, 1);
        if (settings.Saturation != 0)
        {
            var luma = Luma(jittered);
            jittered = ((jittered - luma) * Factor(settings.Saturation) + luma).clamp(0, 1);
        }
        if (settings.ColourCast != 0)
            jittered = (jittered * Factor(settings.ColourCast, channels: 3)).clamp(0, 1);
        if (settings.Greyscale == 0) return jittered;
        var turned = (rand(n, device: pixels.device) < settings.Greyscale).reshape(n, 1, 1, 1);
        return where(turned, Luma(jittered).expand_as(jittered), jittered);
    }

    private static Tensor Luma(Tensor pixels) => (pixels * tensor(LumaWeights, device: pixels.device).reshape(1, 3, 1, 1)).sum(1, keepdim: true);
}
