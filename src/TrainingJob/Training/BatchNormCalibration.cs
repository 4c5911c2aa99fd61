using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// Re-estimates every BatchNorm's running statistics on clean (unaugmented) images after training. The running
/// averages kept during training trail the weights and saw only augmented batches; short runs especially leave them
/// far from what the gallery and queries look like. Frozen stages' layers keep theirs (EmbeddingBackbone.Freeze).
/// </summary>
public static class BatchNormCalibration
{
    public static void Recalibrate(nn.Module<Tensor, Tensor> model, Tensor images, int batchSize, Device device)
    {
        model.train();
        // The frozen stages' BatchNorm layers stay in evaluation mode: they keep their pretrained statistics.
        var norms = model.modules().OfType<BatchNorm2d>().Where(n => n.training).ToList();
        var momenta = norms.Select(n => n.momentum).ToList();
        foreach (var norm in norms)
        {
            norm.reset_running_stats();
            norm.momentum = null; // a cumulative average over all batches below
        }
        using (no_grad())
        {
            for (long start = 0; start < images.shape[0]; start += batchSize)
            {
                using var scope = NewDisposeScope();
                model.forward(images.narrow(0, start, Math.Min(batchSize, images.shape[0] - start)).to(device));
            }
        }
        foreach (var (norm, momentum) in norms.Zip(momenta))
            norm.momentum = momentum;
        model.eval();
    }
}
