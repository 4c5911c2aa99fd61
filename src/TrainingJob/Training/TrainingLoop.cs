using System.Diagnostics;
using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using FaceFunctions.TrainingJob.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>What a training run did: each epoch's mean loss (restored ones included), the facet value vectors the
/// composition objective learned (per facet, row-major [values, dimensions]; null for the triplet loss alone), the
/// images this run put through the network (not those of epochs restored from a checkpoint), and the epoch whose
/// weights were kept when it stopped early (null: the last).</summary>
public sealed record LoopResult(IReadOnlyList<double> Losses, IReadOnlyList<float[]>? ValueVectors, long ImagesSeen, int? BestEpoch);

/// <summary>
/// The training loop on images normalised by <c>preprocessing</c>: batches of augmented anchors (with a positive and a negative each for the triplet loss),
/// L2-normalised embeddings, the objective's loss, Adam; then BatchNorm statistics re-estimated on clean images.
/// </summary>
public sealed class TrainingLoop(TrainingOptions options, Preprocessing preprocessing, Device device)
{
    /// <summary>Trains <paramref name="network"/> in place.</summary>
    /// <param name="images">Preprocessed images [N, 3, S, S] on the CPU.</param>
    /// <param name="labels">Per image, the index of its value on each facet.</param>
    /// <param name="valueCounts">How many values each facet has.</param>
    /// <param name="validation">Images and labels for early stopping (<see cref="TrainingOptions.EarlyStoppingPatience"/>).</param>
    public LoopResult Train(EmbeddingNetwork network, Tensor images, int[][] labels, IReadOnlyList<int> valueCounts,
        ITrainingProgress? progress, CancellationToken cancellationToken, (Tensor Images, int[][] Labels)? validation = null)
    {
        if (options.EarlyStoppingPatience is not null && validation is null)
            throw new ArgumentException("Early stopping needs validation images.");
        NativeMemory.KeepLargeAllocationsInHeap();
        random.manual_seed(options.Seed);
        network.to(device).train();
        network.Backbone.Freeze(options.FrozenStages);
        using var session = new TrainingSession(options, preprocessing, device, network, images, labels, valueCounts, validation);
        var count = (int)images.shape[0];
        var epochs = options.EpochsFor(count, labels.Select(l => string.Join(',', l)).Distinct().Count());
        // A checkpoint belongs to these options and these training labels; another run's is ignored.
        var checkpoint = options.CheckpointFolder is null ? null : new Checkpoint(options.CheckpointFolder,
            System.Text.Json.JsonSerializer.Serialize(options with { CheckpointFolder = null })
            + $" images={count} " + string.Join(';', labels.Select(l => string.Join(',', l))));
        var (restored, finished, reason) = checkpoint?.TryRestore(network, session.Composition) ?? (null, false, "no checkpoint is kept");
        var losses = restored?.ToList() ?? [];
        if (finished)
            epochs = losses.Count;
        progress?.Starting(losses.Count + 1, reason);
        var stopping = options.EarlyStoppingPatience is { } patience ? new EarlyStopping(patience, session.TrainedModules) : null;
        var seen = 0L;
        var clock = Stopwatch.StartNew();
        var firstEpoch = losses.Count + 1;
        for (var epoch = firstEpoch; epoch <= epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (loss, imagesThrough) = session.Epoch();
            losses.Add(loss);
            seen += imagesThrough;
            var stop = stopping?.Observe(epoch, session.ValidationLoss()) ?? false;
            if (!stop && checkpoint is not null && (epoch % options.CheckpointEvery == 0 || epoch == epochs))
                checkpoint.Save(network, session.Composition, losses);
            var elapsed = clock.Elapsed;
            progress?.Report(new EpochProgress(epoch, epochs, loss, elapsed,
                stop ? TimeSpan.Zero : elapsed / (epoch - firstEpoch + 1) * (epochs - epoch), seen / elapsed.TotalSeconds));
            if (stop) break;
        }
        stopping?.RestoreBest();
        BatchNormCalibration.Recalibrate(network, images, Math.Max(options.BatchSize, 32), device);
        checkpoint?.Save(network, session.Composition, losses, finished: true);
        return new LoopResult(losses, session.Composition?.ValueVectors(), seen, stopping?.BestEpoch);
    }
}
