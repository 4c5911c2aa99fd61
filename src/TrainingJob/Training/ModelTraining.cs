using System.Diagnostics;
using FaceFunctions.Artifacts;
using FaceFunctions.Datasets;
using FaceFunctions.Imaging;
using FaceFunctions.TrainingJob.Export;
using FaceFunctions.TrainingJob.Model;
using TorchSharp;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>A trained network as ONNX, checked against TorchSharp, with how the training went.</summary>
/// <param name="ExportDifference">Max abs difference of the unit-length embeddings, TorchSharp vs ONNX Runtime.</param>
/// <param name="ExportRawDifference">The same on the raw network outputs.</param>
/// <param name="LearnedFacets">The facet value vectors the composition objective learned; null for the triplet loss alone.</param>
/// <param name="ImagesPerSecond">Images this run put through the network over its time (restored epochs not counted).</param>
/// <param name="BestEpoch">The epoch whose weights early stopping kept; null when every epoch ran.</param>
public sealed record TrainedModel(byte[] Onnx, Preprocessing Preprocessing, int Dimensions, IReadOnlyList<double> Losses,
    double Seconds, double ImagesPerSecond, double ExportDifference, double ExportRawDifference, int ExportChecked,
    FacetVectors? LearnedFacets, int? BestEpoch = null);

/// <summary>Trains one network on some images of a dataset and exports it: the step the job repeats per held-out fold.</summary>
public static class ModelTraining
{
    /// <param name="validation">Images for early stopping when the options ask for it (the dataset's other images).</param>
    public static TrainedModel Train(LabelledDataset dataset, IReadOnlyList<LabelledImage> images, TrainingOptions options,
        ITrainingProgress? progress, CancellationToken cancellationToken, IReadOnlyList<LabelledImage>? validation = null)
    {
        var device = SelectDevice(options.Device);
        torch.random.manual_seed(options.Seed); // before the weights are drawn
        using var network = new EmbeddingNetwork(Backbones.Create(options.Backbone, options.WidthMultiplier, options.Weights), options.HeadDimensions);
        var preprocessing = network.Backbone.Preprocessing(options.ImageSize) with { Face = options.Face.Cropping() };
        using var batch = Preprocess(images, preprocessing);
        var values = dataset.Facets.Select(dataset.Values).ToList();
        int[][] LabelsOf(IReadOnlyList<LabelledImage> set) =>
            set.Select(i => dataset.Facets.Select((f, k) => IndexOf(values[k], i.Labels[f])).ToArray()).ToArray();
        var labels = LabelsOf(images);
        using var validationBatch = options.EarlyStoppingPatience is null || validation is not { Count: > 0 } ? null : Preprocess(validation, preprocessing);
        var clock = Stopwatch.StartNew();
        var run = new EmbeddingTrainer(options, preprocessing, device).Train(network, batch, labels, values.Select(v => v.Count).ToList(),
            progress, cancellationToken, validationBatch is null ? null : (validationBatch, LabelsOf(validation!)));
        var seconds = clock.Elapsed.TotalSeconds;
        // Export and check on the CPU: the check holds ONNX Runtime's float32 to 1e-4, and a GPU's convolutions
        // (cuDNN's TF32, on by default) differ from float32 by about 1e-3 (1.5e-3 measured on an H100, docs/gpu.md).
        network.to(torch.CPU);
        var onnx = OnnxExporter.Export(network, preprocessing);
        var checkedCount = (int)Math.Min(8, batch.shape[0]);
        var (difference, raw) = OnnxExporter.MaxAbsDifference(network, onnx, preprocessing, batch.narrow(0, 0, checkedCount));
        if (!(difference <= OnnxExporter.Tolerance))
            throw new InvalidOperationException(
                $"The ONNX export differs from TorchSharp by {difference:E2}, above {OnnxExporter.Tolerance:E0}; nothing was written.");
        return new TrainedModel(onnx, preprocessing, network.Dimensions, run.Losses, seconds,
            seconds > 0 ? run.ImagesSeen / seconds : 0, difference, raw, checkedCount,
            run.ValueVectors is null ? null : Learned(dataset.Facets, values, labels, run.ValueVectors, network.Dimensions), run.BestEpoch);
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
