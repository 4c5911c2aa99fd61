using System.Diagnostics;
using FaceFunctions.Artifacts;
using FaceFunctions.Datasets;
using FaceFunctions.Embedding;
using FaceFunctions.Imaging;
using FaceFunctions.Storage;
using FaceFunctions.TrainingJob.Evaluation;
using FaceFunctions.TrainingJob.Export;
using FaceFunctions.TrainingJob.Model;
using FaceFunctions.TrainingJob.Publishing;
using FaceFunctions.TrainingJob.Reporting;
using FaceFunctions.TrainingJob.Training;
using Microsoft.Extensions.Logging.Abstractions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace FaceFunctions.TrainingJob;

public sealed record TrainJobOptions
{
    /// <summary>A dataset folder, or "synthetic" for the drawn faces.</summary>
    public required string Data { get; init; }
    public DatasetFormat Format { get; init; } = DatasetFormat.Auto;
    public required string Output { get; init; }
    public TrainingOptions Training { get; init; } = new();
    public SyntheticFacesOptions Synthetic { get; init; } = new();
    /// <summary>Blob Storage to publish to after the folder is written; null publishes nowhere else.</summary>
    public StorageOptions? Publish { get; init; }
}

/// <summary>
/// The training job end to end: read the dataset, train, export ONNX and check it against TorchSharp, embed the
/// gallery with ONNX Runtime as serving will, evaluate, write the version folder, then publish it to storage.
/// </summary>
public static class TrainingPipeline
{
    public const string Synthetic = "synthetic";

    public static async Task<TrainingReport> RunAsync(TrainJobOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var dataset = ReadDataset(options, log);
        var training = options.Training;
        var preprocessing = new Preprocessing { ImageSize = training.ImageSize };
        var decoder = new ImageDecoder();
        var trainImages = training.AllImages ? dataset.Images : dataset.FirstOfEachCell();
        var facetValues = dataset.Facets.ToDictionary(f => f, f => dataset.Values(f));
        log.WriteLine($"Dataset {dataset.Source}: {dataset.Images.Count} images, facets " +
                      string.Join(", ", dataset.Facets.Select(f => $"{f} ({facetValues[f].Count})")) +
                      $"; training on {trainImages.Count}.");
        foreach (var problem in dataset.Problems)
            log.WriteLine($"  skipped {problem.File}: {problem.Reason}");

        var device = SelectDevice(training.Device);
        using var images = PreprocessToTensor(trainImages, decoder, preprocessing);
        var labels = trainImages.Select(i => dataset.Facets.Select(f => IndexOf(facetValues[f], i.Labels[f])).ToArray()).ToArray();
        using var model = new MobileNetV2Embedder(widthMultiplier: training.WidthMultiplier);
        log.WriteLine($"Training MobileNetV2 (width {training.WidthMultiplier}) with the triplet loss on {device.type}: " +
                      $"{training.Epochs} epochs at {training.ImageSize}px, seed {training.Seed}.");
        var clock = Stopwatch.StartNew();
        var progress = new Progress(log);
        var losses = new TripletTrainer(training, device).Train(model, images, labels, progress, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;

        var onnx = OnnxExporter.Export(model, preprocessing);
        var checkCount = (int)Math.Min(8, images.shape[0]);
        var difference = OnnxExporter.MaxAbsDifference(model, onnx, preprocessing, images.narrow(0, 0, checkCount));
        log.WriteLine($"ONNX export: max abs difference to TorchSharp {difference:E2} over {checkCount} images (limit {OnnxExporter.Tolerance:E0}).");
        if (!(difference <= OnnxExporter.Tolerance))
            throw new InvalidOperationException($"The ONNX export differs from TorchSharp by {difference:E2}, above {OnnxExporter.Tolerance:E0}; nothing was written.");

        var (vectors, dimensions, galleryImages, entries) = EmbedGallery(dataset, onnx, preprocessing, decoder);
        var labelsOf = dataset.Images.Select(i => i.Labels).ToList();
        var rowOf = dataset.Images.Select((image, row) => (image.Id, row)).ToDictionary(p => p.Id, p => p.row);
        var trainRows = trainImages.Select(t => rowOf[t.Id]).ToArray();
        var trainVectors = trainRows.SelectMany(r => vectors.AsSpan(r * dimensions, dimensions).ToArray()).ToArray();
        var seed = SeedProtocol.Evaluate(dataset.Facets, trainImages.Select(i => i.Labels).ToList(), trainVectors, dimensions, training.Seed);
        log.WriteLine($"Seed protocol: top-1 {seed.Top1:F3} over {seed.Cells} cells (random vectors: {seed.Chance:F3}).");

        var version = $"{DateTimeOffset.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{ModelRepository.Sha256(new BinaryData(onnx))[..8]}";
        var report = new TrainingReport(version,
            new DatasetSummary(dataset.Source, options.Format.ToString(), facetValues.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value),
                dataset.Images.Count, dataset.ByCell().Count, trainImages.Count, dataset.Problems),
            new TrainingSummary("mobilenet_v2", "triplet", "pooled", dimensions, device.type.ToString(), training, seconds,
                3.0 * trainImages.Count * training.Epochs / seconds, losses),
            new ExportSummary(OnnxGraphBuilder.Opset, difference, OnnxExporter.Tolerance, checkCount),
            seed);
        var bundle = new ModelBundle
        {
            Version = version,
            CreatedUtc = DateTimeOffset.UtcNow,
            Model = onnx,
            Preprocessing = preprocessing,
            GalleryVectors = vectors,
            Dimensions = dimensions,
            Gallery = entries,
            FacetNames = dataset.Facets,
            Facets = FacetVectors.FromImages(dataset.Facets, labelsOf, vectors, dimensions),
            Report = report.ToJson(),
        };
        var extras = new Dictionary<string, byte[]>
        {
            ["loss.png"] = Plots.LossCurve(losses, $"MobileNetV2 triplet loss, seed {training.Seed}"),
            ["dataset.png"] = Plots.DatasetSheet(dataset, decoder),
        };
        await FolderPublisher.WriteAsync(options.Output, bundle, galleryImages, extras, cancellationToken);
        log.WriteLine($"Model {version} written to {Path.GetFullPath(options.Output)}.");

        if (options.Publish is not null)
        {
            var stores = ArtifactStores.Create(options.Publish);
            await GalleryImages.UploadAsync(stores.Images, galleryImages, cancellationToken);
            await new ModelRepository(stores.Models).PublishAsync(bundle, cancellationToken);
            log.WriteLine($"Model {version} published to {stores.Models.Location}; images in {stores.Images.Location}.");
        }
        return report;
    }

    private static LabelledDataset ReadDataset(TrainJobOptions options, TextWriter log)
    {
        if (!string.Equals(options.Data, Synthetic, StringComparison.OrdinalIgnoreCase))
            return DatasetReader.Read(options.Data, options.Format);
        var folder = Path.Combine(Path.GetTempPath(), $"facefunctions-synthetic-{Guid.NewGuid():N}");
        var paths = SyntheticFaces.Write(folder, options.Synthetic);
        log.WriteLine($"Drew {paths.Count} synthetic faces into {folder}.");
        return DatasetReader.Read(folder, DatasetFormat.Jaffe);
    }

    private static torch.Device SelectDevice(string name) => name.ToLowerInvariant() switch
    {
        "cpu" => torch.CPU,
        "cuda" => torch.CUDA,
        "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
        _ => throw new ArgumentException($"Unknown device '{name}': use auto, cpu or cuda."),
    };

    private static int IndexOf(IReadOnlyList<string> values, string value) =>
        values.Select((v, i) => (v, i)).First(p => p.v == value).i;

    private static torch.Tensor PreprocessToTensor(IReadOnlyList<LabelledImage> images, ImageDecoder decoder, Preprocessing preprocessing)
    {
        var per = preprocessing.ValuesPerImage;
        var values = new float[images.Count * per];
        Parallel.For(0, images.Count, i =>
        {
            using var image = decoder.Decode(images[i].Path);
            preprocessing.Apply(image, values.AsSpan(i * per, per));
        });
        return torch.tensor(values, [images.Count, 3, preprocessing.ImageSize, preprocessing.ImageSize]);
    }

    private static (float[] Vectors, int Dimensions, Dictionary<string, byte[]> Images, List<GalleryEntry> Entries) EmbedGallery(
        LabelledDataset dataset, byte[] onnx, Preprocessing preprocessing, ImageDecoder decoder)
    {
        using var embedder = new OnnxEmbedder(onnx, preprocessing, new OnnxEmbedderOptions(), NullLogger.Instance);
        var vectors = new List<float>();
        var images = new Dictionary<string, byte[]>();
        var entries = new List<GalleryEntry>();
        foreach (var batch in dataset.Images.Chunk(32))
        {
            var decoded = batch.Select(i => decoder.Decode(i.Path)).ToList();
            try
            {
                vectors.AddRange(embedder.Embed(decoded));
                foreach (var (item, image) in batch.Zip(decoded))
                {
                    var (name, png) = GalleryImages.Encode(image);
                    images[name] = png;
                    entries.Add(new GalleryEntry(item.Id, item.Labels, name));
                }
            }
            finally
            {
                decoded.ForEach(i => i.Dispose());
            }
        }
        return (vectors.ToArray(), embedder.Dimensions, images, entries);
    }

    private sealed class Progress(TextWriter log) : IProgress<EpochProgress>
    {
        public void Report(EpochProgress p) =>
            log.WriteLine($"  epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:F4}  {p.Elapsed:mm\\:ss} elapsed, " +
                          $"{p.Remaining:mm\\:ss} left, {p.ImagesPerSecond:F0} images/s");
    }
}
