using System.Diagnostics;
using FaceFunctions.TrainingJob.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// The training loop: batches of augmented anchors (with a positive and a negative each for the triplet loss),
/// L2-normalised embeddings, the objective's loss, Adam; then BatchNorm statistics re-estimated on clean images.
/// </summary>
public sealed class EmbeddingTrainer(TrainingOptions options, Device device)
{
    /// <summary>Trains <paramref name="network"/> in place and returns the mean loss of each epoch.</summary>
    /// <param name="images">Preprocessed images [N, 3, S, S] on the CPU.</param>
    /// <param name="labels">Per image, the index of its value on each facet.</param>
    /// <param name="valueCounts">How many values each facet has.</param>
    public IReadOnlyList<double> Train(EmbeddingNetwork network, Tensor images, int[][] labels, IReadOnlyList<int> valueCounts,
        IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        if (!Objectives.Names.Contains(options.Objective))
            throw new ArgumentException($"Unknown objective '{options.Objective}': use {string.Join(", ", Objectives.Names)}.");
        NativeMemory.KeepLargeAllocationsInHeap();
        random.manual_seed(options.Seed);
        var useTriplet = options.Objective is Objectives.Triplet or Objectives.CompositionTriplet;
        var sampler = new TripletSampler(labels, new Random(options.Seed));
        var order = new Random(options.Seed + 1);
        network.to(device).train();
        using var composition = options.Objective == Objectives.Triplet ? null
            : new CompositionLoss(valueCounts, labels, network.Dimensions, device);
        using var targets = composition is null ? null : tensor(composition.TargetsOf(labels), device: device);
        using var data = images.to(device);
        var parameters = network.parameters().Concat(composition?.parameters() ?? []).ToList();
        using var optimizer = optim.Adam(parameters, options.LearningRate);
        var count = (int)images.shape[0];
        var configuration = System.Text.Json.JsonSerializer.Serialize(options with { CheckpointFolder = null })
                            + $" images={count} " + string.Join(';', labels.Select(l => string.Join(',', l)));
        var checkpoint = options.CheckpointFolder is null ? null : new Checkpoint(options.CheckpointFolder, configuration);
        var losses = checkpoint?.TryRestore(network, composition)?.ToList() ?? [];
        var seen = 0L;
        var clock = Stopwatch.StartNew();
        var firstEpoch = losses.Count + 1;
        for (var epoch = firstEpoch; epoch <= options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var anchors = Enumerable.Range(0, count).OrderBy(_ => order.Next()).ToArray();
            double sum = 0;
            var steps = 0;
            foreach (var chunk in anchors.Chunk(options.BatchSize))
            {
                using var scope = NewDisposeScope();
                var rows = chunk.AsEnumerable();
                if (useTriplet)
                {
                    var triplets = chunk.Select(sampler.Sample).ToArray();
                    rows = rows.Concat(triplets.Select(t => t.Positive)).Concat(triplets.Select(t => t.Negative));
                }
                var indices = tensor(rows.Select(i => (long)i).ToArray(), device: device);
                var batch = data.index_select(0, indices);
                if (options.Augment)
                    batch = Augmentation.Apply(batch);
                var embeddings = nn.functional.normalize(network.forward(batch), p: 2, dim: 1);
                var loss = zeros(1, device: device);
                if (useTriplet)
                {
                    var parts = embeddings.split(chunk.Length);
                    loss = loss + nn.functional.relu((parts[0] - parts[1]).norm(1) - (parts[0] - parts[2]).norm(1) + options.Margin).mean();
                }
                if (composition is not null)
                    loss = loss + composition.forward(embeddings, targets!.index_select(0, indices));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                sum += loss.item<float>();
                steps++;
                seen += indices.shape[0];
            }
            losses.Add(sum / steps);
            if (checkpoint is not null && (epoch % options.CheckpointEvery == 0 || epoch == options.Epochs))
                checkpoint.Save(network, composition, losses);
            var elapsed = clock.Elapsed;
            progress?.Report(new EpochProgress(epoch, options.Epochs, losses[^1], elapsed,
                elapsed / (epoch - firstEpoch + 1) * (options.Epochs - epoch), seen / elapsed.TotalSeconds));
        }
        BatchNormCalibration.Recalibrate(network, images, Math.Max(options.BatchSize, 32), device);
        return losses;
    }
}
