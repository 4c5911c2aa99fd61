using System.Diagnostics;
using FaceFunctions.TrainingJob.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>The training loop: triplets of augmented images, L2-normalised embeddings, margin loss, Adam.</summary>
public sealed class TripletTrainer(TrainingOptions options, Device device)
{
    /// <summary>Trains <paramref name="model"/> in place and returns the mean loss of each epoch.</summary>
    /// <param name="images">Preprocessed images [N, 3, S, S] on the CPU.</param>
    /// <param name="labels">Per image, the index of its value on each facet.</param>
    public IReadOnlyList<double> Train(MobileNetV2Embedder model, Tensor images, int[][] labels,
        IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        NativeMemory.KeepLargeAllocationsInHeap();
        random.manual_seed(options.Seed);
        var sampler = new TripletSampler(labels, new Random(options.Seed));
        var order = new Random(options.Seed + 1);
        model.to(device).train();
        using var data = images.to(device);
        using var optimizer = optim.Adam(model.parameters(), options.LearningRate);
        var count = (int)images.shape[0];
        var losses = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var anchors = Enumerable.Range(0, count).OrderBy(_ => order.Next()).ToArray();
            double sum = 0;
            var steps = 0;
            foreach (var chunk in anchors.Chunk(options.BatchSize))
            {
                using var scope = NewDisposeScope();
                var triplets = chunk.Select(sampler.Sample).ToArray();
                var indices = chunk.Concat(triplets.Select(t => t.Positive)).Concat(triplets.Select(t => t.Negative))
                    .Select(i => (long)i).ToArray();
                var batch = data.index_select(0, tensor(indices, device: device));
                if (options.Augment)
                    batch = Augmentation.Apply(batch);
                var embeddings = nn.functional.normalize(model.forward(batch), p: 2, dim: 1);
                var parts = embeddings.split(chunk.Length);
                var loss = nn.functional.relu(
                    (parts[0] - parts[1]).norm(1) - (parts[0] - parts[2]).norm(1) + options.Margin).mean();
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                sum += loss.item<float>();
                steps++;
            }
            losses.Add(sum / steps);
            var elapsed = clock.Elapsed;
            progress?.Report(new EpochProgress(epoch, options.Epochs, losses[^1], elapsed,
                elapsed / epoch * (options.Epochs - epoch), 3.0 * count * epoch / elapsed.TotalSeconds));
        }
        BatchNormCalibration.Recalibrate(model, images, Math.Max(options.BatchSize, 32), device);
        return losses;
    }
}
