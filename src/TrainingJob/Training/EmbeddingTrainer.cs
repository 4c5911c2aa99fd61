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
    /// <summary>
    /// Trains <paramref name="network"/> in place and returns the mean loss of each epoch, with the facet value vectors
    /// the composition objective learned (per facet, row-major [values, dimensions]; null for the triplet loss alone).
    /// </summary>
    /// <param name="images">Preprocessed images [N, 3, S, S] on the CPU.</param>
    /// <param name="labels">Per image, the index of its value on each facet.</param>
    /// <param name="valueCounts">How many values each facet has.</param>
    /// <param name="validation">Images and labels for early stopping (<see cref="TrainingOptions.EarlyStoppingPatience"/>).</param>
    public (IReadOnlyList<double> Losses, IReadOnlyList<float[]>? ValueVectors) Train(EmbeddingNetwork network, Tensor images, int[][] labels, IReadOnlyList<int> valueCounts,
        ITrainingProgress? progress, CancellationToken cancellationToken, (Tensor Images, int[][] Labels)? validation = null)
    {
        if (!Objectives.Names.Contains(options.Objective))
            throw new ArgumentException($"Unknown objective '{options.Objective}': use {string.Join(", ", Objectives.Names)}.");
        NativeMemory.KeepLargeAllocationsInHeap();
        random.manual_seed(options.Seed);
        var useTriplet = Objectives.UsesTriplet(options.Objective);
        var sampler = new TripletSampler(labels, new Random(options.Seed));
        var order = new Random(options.Seed + 1);
        network.to(device).train();
        network.Backbone.Freeze(options.FrozenStages);
        using var composition = options.Objective == Objectives.Triplet ? null
            : new CompositionLoss(valueCounts, labels, network.Dimensions, device);
        using var targets = composition is null ? null : tensor(composition.TargetsOf(labels), device: device);
        using var data = images.to(device);
        // The facet value vectors may learn at their own rate: at the network's they barely turn from where they start.
        var groups = new List<TorchSharp.Modules.Adam.ParamGroup> { new(network.parameters().Where(p => p.requires_grad), lr: options.LearningRate) };
        if (composition is not null)
            groups.Add(new(composition.parameters(), lr: options.FacetLearningRate ?? options.LearningRate));
        using var optimizer = optim.Adam(groups, options.LearningRate);
        var count = (int)images.shape[0];
        // A checkpoint belongs to these options and these training labels; another run's is ignored.
        var checkpoint = options.CheckpointFolder is null ? null : new Checkpoint(options.CheckpointFolder,
            System.Text.Json.JsonSerializer.Serialize(options with { CheckpointFolder = null })
            + $" images={count} " + string.Join(';', labels.Select(l => string.Join(',', l))));
        var (restored, reason) = checkpoint?.TryRestore(network, composition) ?? (null, "no checkpoint is kept");
        var losses = restored?.ToList() ?? [];
        progress?.Starting(losses.Count + 1, reason);
        var stopping = options.EarlyStoppingPatience is { } patience
            ? validation is null ? throw new ArgumentException("Early stopping needs validation images.") : new EarlyStopping(patience)
            : null;
        var validationTriplets = validation is { } v
            ? Enumerable.Range(0, v.Labels.Length).Select(new TripletSampler(v.Labels, new Random(options.Seed + 2)).Sample).ToArray()
            : null;
        using var validationTargets = validation is { } w && composition is not null ? tensor(composition.TargetsOf(w.Labels), device: device) : null;
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
                    batch = Augmentation.Apply(batch, options.Flip);
                var loss = Loss(network.forward(batch), chunk.Length, targets?.index_select(0, indices));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                sum += loss.item<float>();
                steps++;
                seen += indices.shape[0];
            }
            losses.Add(sum / steps);
            if (stopping is not null && stopping.Observe(epoch, ValidationLoss(), network))
            {
                progress?.Report(new EpochProgress(epoch, options.Epochs, losses[^1], clock.Elapsed, TimeSpan.Zero, seen / clock.Elapsed.TotalSeconds));
                break;
            }
            if (checkpoint is not null && (epoch % options.CheckpointEvery == 0 || epoch == options.Epochs))
                checkpoint.Save(network, composition, losses);
            var elapsed = clock.Elapsed;
            progress?.Report(new EpochProgress(epoch, options.Epochs, losses[^1], elapsed,
                elapsed / (epoch - firstEpoch + 1) * (options.Epochs - epoch), seen / elapsed.TotalSeconds));
        }
        stopping?.RestoreBest(network);
        BatchNormCalibration.Recalibrate(network, images, Math.Max(options.BatchSize, 32), device);
        return (losses, composition?.ValueVectors());

        // The objective on unit-length embeddings; with the triplet loss the batch is anchors, positives, negatives.
        Tensor Loss(Tensor outputs, int anchors, Tensor? cells)
        {
            var embeddings = nn.functional.normalize(outputs, p: 2, dim: 1);
            var loss = zeros(1, device: device);
            if (useTriplet)
            {
                var parts = embeddings.split(anchors);
                loss = loss + nn.functional.relu((parts[0] - parts[1]).norm(1) - (parts[0] - parts[2]).norm(1) + options.Margin).mean();
            }
            if (composition is not null)
                loss = loss + composition.forward(embeddings, cells!);
            return loss;
        }

        // The objective on the validation images, unaugmented, in evaluation mode; triplets fixed once.
        double ValidationLoss()
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            network.eval();
            var (validationImages, validationLabels) = validation!.Value;
            var rows = Enumerable.Range(0, validationLabels.Length).ToList();
            if (useTriplet)
                rows = rows.Concat(validationTriplets!.Select(t => t.Positive)).Concat(validationTriplets!.Select(t => t.Negative)).ToList();
            var indices = tensor(rows.Select(i => (long)i).ToArray());
            var batch = validationImages.index_select(0, indices).to(device);
            var value = Loss(network.forward(batch), validationLabels.Length, validationTargets?.index_select(0, indices.to(device))).item<float>();
            network.train();
            return value;
        }
    }
}
