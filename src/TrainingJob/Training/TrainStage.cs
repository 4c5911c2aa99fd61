using System.Diagnostics;
using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.Imaging;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Export;
using FaceFunctions.TrainingJob.Model;
using TorchSharp;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// The train stage: one network trained on some images of a dataset (the main run, each held-out fold, the untrained
/// baseline), then handed to the export stage. The main run leaves a finished checkpoint that lasts, from which
/// <see cref="ExportCheckpoint"/> exports again without training.
/// </summary>
public static class TrainStage
{
    /// <summary>Images of the training set on which the export is checked against TorchSharp.</summary>
    private const int ExportChecks = 8;

    /// <summary>Clean training images whose statistics spread folded BatchNorm layers out before training (EmbeddingBackbone.SpreadFoldedNorms).</summary>
    private const int FoldedStatisticsImages = 64;

    /// <param name="cells">The fully labelled images that train; the dataset's partly labelled ones train beside them
    /// (<see cref="LabelledDataset.PartlyLabelledBeside"/>).</param>
    /// <param name="validation">Images for early stopping when the options ask for it (the dataset's other images).</param>
    public static ExportedModel Train(LabelledDataset dataset, IReadOnlyList<LabelledImage> cells, TrainingOptions options,
        ITrainingProgress? progress, CancellationToken cancellationToken, IReadOnlyList<LabelledImage>? validation = null)
    {
        if (options.Readout == EmbeddingReadout.FeatureMapMedian && options.Objective.LearnsFacetVectors())
            throw new ArgumentException("The feature-map-median readout indexes other vectors than the loss sees: its facet vectors cannot be learned; use --objective triplet.");
        if (dataset.PartlyLabelled.Count > 0 && options.Objective.UsesTriplet())
            throw new ArgumentException($"{dataset.PartlyLabelled.Count} images lack a value on some facet: the triplet loss needs every value; train them with --objective composition.");
        var images = cells.Concat(dataset.PartlyLabelledBeside(cells)).ToList();
        var device = SelectDevice(options.Device);
        torch.random.manual_seed(options.Seed); // before the weights are drawn
        using var network = options.From is { } from
            ? Backbones.FromCheckpoint(from, options.Backbone, options.WidthMultiplier, options.HeadDimensions, options.Embedding)
            : new EmbeddingNetwork(Backbones.Create(options.Backbone, options.WidthMultiplier, options.Weights), options.HeadDimensions, options.Embedding);
        var preprocessing = PreprocessingOf(network, options);
        using var batch = Preprocess(images, preprocessing);
        network.Backbone.SpreadFoldedNorms(batch.narrow(0, 0, Math.Min(FoldedStatisticsImages, batch.shape[0])));
        var values = dataset.Facets.Select(dataset.Values).ToList();
        // A value the image lacks is -1: the objective counts any of that facet's values as right (CompositionLoss).
        int[][] LabelsOf(IReadOnlyList<LabelledImage> set) =>
            set.Select(i => dataset.Facets.Select((f, k) => i.Labels.TryGetValue(f, out var value) ? IndexOf(values[k], value) : -1).ToArray()).ToArray();
        var labels = LabelsOf(images);
        using var validationBatch = options.EarlyStoppingPatience is null || validation is not { Count: > 0 } ? null : Preprocess(validation, preprocessing);
        var clock = Stopwatch.StartNew();
        var run = new TrainingLoop(options, preprocessing, device).Train(network, batch, labels, values.Select(v => v.Count).ToList(),
            progress, cancellationToken, validationBatch is null ? null : (validationBatch, LabelsOf(validation!)));
        var seconds = clock.Elapsed.TotalSeconds;
        var learned = run.ValueVectors is null ? null : Learned(dataset.Facets, values, labels, run.ValueVectors, network.Dimensions);
        var record = new CheckpointRecord(options with { CheckpointFolder = null }, options.CheckpointFolder is null ? null : DatasetFingerprint.Of(dataset),
            images.Select(i => i.Id).ToList(), run.Losses, seconds, seconds > 0 ? run.ImagesSeen / seconds : 0, run.BestEpoch);
        if (options.CheckpointFolder is { } folder)
            CheckpointRecord.Write(folder, record, learned);
        return Export(network, preprocessing, batch, record, learned);
    }

    /// <summary>The export stage on a finished checkpoint (<see cref="CheckpointRecord.Read"/>): no epoch trains.</summary>
    /// <param name="trainImages">The images that trained it, the first of which check the export.</param>
    public static ExportedModel ExportCheckpoint(string folder, CheckpointRecord record, FacetVectors? learned, IReadOnlyList<LabelledImage> trainImages)
    {
        var options = record.Options;
        using var network = Backbones.FromCheckpoint(folder, options.Backbone, options.WidthMultiplier, options.HeadDimensions, options.Embedding);
        network.eval();
        var preprocessing = PreprocessingOf(network, options);
        using var batch = Preprocess(trainImages.Take(ExportChecks).ToList(), preprocessing);
        return Export(network, preprocessing, batch, record, learned);
    }

    private static Preprocessing PreprocessingOf(EmbeddingNetwork network, TrainingOptions options) =>
        options.InputScale.Apply(network.Backbone.Preprocessing(options.ImageSize)) with { Face = options.Face.Cropping(), Resize = options.Fit };

    /// <summary>ONNX written and checked against TorchSharp, with how the training went.</summary>
    private static ExportedModel Export(EmbeddingNetwork network, Preprocessing preprocessing, torch.Tensor batch, CheckpointRecord record,
        FacetVectors? learned)
    {
        // Export and check on the CPU: the check holds ONNX Runtime's float32 to 1e-4, and a GPU's convolutions
        // (cuDNN's TF32, on by default) differ from float32 by more than that (docs/gpu.md).
        network.to(torch.CPU);
        var check = OnnxExporter.ExportChecked(network, preprocessing, batch.narrow(0, 0, Math.Min(ExportChecks, batch.shape[0])));
        return new ExportedModel(check.Onnx, preprocessing, network.Dimensions, record.Losses, record.Seconds, record.ImagesPerSecond,
            check.Difference, check.RawDifference, check.Checked, learned, record.BestEpoch);
    }

    /// <summary>The learned value vectors as facet vectors, each value counting the training images that carry it.</summary>
    private static FacetVectors Learned(IReadOnlyList<string> facets, IReadOnlyList<IReadOnlyList<string>> values, int[][] labels,
        IReadOnlyList<float[]> valueVectors, int dimensions)
    {
        var row = 0;
        var entries = facets.Select((facet, f) => new FacetEntry(facet, values[f]
            .Select((value, v) => new FacetValueEntry(value, row++, labels.Count(l => l[f] == v))).ToList())).ToList();
        return new FacetVectors(entries, valueVectors.SelectMany(v => v).ToArray(), dimensions);
    }

    public static torch.Device SelectDevice(ComputeDevice device) => device switch
    {
        ComputeDevice.Cpu => torch.CPU,
        ComputeDevice.Cuda => torch.CUDA,
        _ => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
    };

    private static int IndexOf(IReadOnlyList<string> values, string value) =>
        values.Select((v, i) => (v, i)).First(p => p.v == value).i;

    /// <summary>Decodes and preprocesses on every core: images [N, 3, S, S] on the CPU.</summary>
    private static torch.Tensor Preprocess(IReadOnlyList<LabelledImage> images, Preprocessing preprocessing)
    {
        var decoder = new ImageDecoder();
        using var input = new NetworkInput(preprocessing);
        var per = preprocessing.ValuesPerImage;
        var values = new float[images.Count * per];
        Parallel.For(0, images.Count, i =>
        {
            using var image = decoder.Decode(images[i].Path);
            input.Write(image, values.AsSpan(i * per, per));
        });
        return torch.tensor(values, [images.Count, 3, preprocessing.ImageSize, preprocessing.ImageSize]);
    }
}
