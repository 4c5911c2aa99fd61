using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// The experiment's augmentations on a whole batch at once, in pixel space (values in [0, 1]) whatever the backbone's
/// normalisation: random resized crop, small shear and horizontal flip as one affine resampling, then brightness and
/// contrast jitter as torchvision's ColorJitter(brightness 0.4, contrast 0.2) does them; then normalised again. Draws
/// from torch's seeded generator.
/// </summary>
public static class Augmentation
{
    /// <param name="batch">Images normalised by <paramref name="preprocessing"/>, [N, 3, S, S].</param>
    /// <param name="flip">Mirror half the images; false leaves left and right as they are.</param>
    public static Tensor Apply(Tensor batch, bool flip, Preprocessing preprocessing)
    {
        using var scope = NewDisposeScope();
        var n = batch.shape[0];
        var device = batch.device;
        Tensor Uniform(double low, double high) => rand(n, device: device) * (high - low) + low;
        var mean = tensor(preprocessing.Mean, device: device).reshape(1, 3, 1, 1);
        var std = tensor(preprocessing.Std, device: device).reshape(1, 3, 1, 1);
        var pixels = batch * std + mean;

        var scale = Uniform(Math.Sqrt(0.7), 1.0);           // crop area 70-100%
        var aspect = Uniform(Math.Log(0.9), Math.Log(1.1)).exp().sqrt();
        var sx = scale * aspect;
        var sy = scale / aspect;
        var tx = (Uniform(-1, 1) * (1 - sx)).clamp_min(-1);
        var ty = (Uniform(-1, 1) * (1 - sy)).clamp_min(-1);
        var shear = Uniform(-0.1, 0.1);
        // Drawn either way, so that turning the flip off leaves every other draw of the seed as it was.
        var mirror = (rand(n, device: device) < 0.5).to_type(ScalarType.Float32) * 2 - 1;
        if (!flip)
            mirror = ones(n, device: device);
        var theta = stack([sx * mirror, shear, tx, zeros(n, device: device), sy, ty], dim: 1).reshape(n, 2, 3);
        var grid = nn.functional.affine_grid(theta, batch.shape, align_corners: false);
        var moved = nn.functional.grid_sample(pixels, grid, mode: GridSampleMode.Bilinear,
            padding_mode: GridSamplePaddingMode.Border, align_corners: false);

        var brightened = (moved * Uniform(0.6, 1.4).reshape(n, 1, 1, 1)).clamp(0, 1);
        var contrast = Uniform(0.8, 1.2).reshape(n, 1, 1, 1);
        var grey = brightened.mean([1L, 2L, 3L], keepdim: true);
        var jittered = ((brightened - grey) * contrast + grey).clamp(0, 1);
        return ((jittered - mean) / std).MoveToOuterDisposeScope();
    }
}
