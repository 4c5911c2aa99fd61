using System.Diagnostics;
using FaceFunctions.Artifacts;
using FaceFunctions.Datasets;
using FaceFunctions.Embedding;
using FaceFunctions.Imaging;
using FaceFunctions.Index;
using FaceFunctions.Storage;
using FaceFunctions.TrainingJob.Evaluation;
using FaceFunctions.TrainingJob.Export;
using FaceFunctions.TrainingJob.Publishing;
using FaceFunctions.TrainingJob.Reporting;
using FaceFunctions.TrainingJob.Training;
using FaceFunctions.Vectors;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceFunctions.TrainingJob;

public sealed record TrainJobOptions
{
    /// <summary>A dataset folder, "blob:CONTAINER/FOLDER" in the storage account of <see cref="Publish"/>, or "synthetic".</summary>
    public required string Data { get; init; }
    public DatasetFormat Format { get; init; } = DatasetFormat.Auto;
    public required string Output { get; init; }
    public TrainingOptions Training { get; init; } = new();
    public SyntheticFacesOptions Synthetic { get; init; } = new();
    /// <summary>Folds of the unseen-combinations protocol (k more trainings); 0 skips it.</summary>
    public int HeldOutFolds { get; init; }
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
        var training = options.Training;
        if (!FacetVectorKinds.Names.Contains(training.FacetVectors))
            throw new ArgumentException($"Unknown facet vectors '{training.FacetVectors}': use {string.Join(", ", FacetVectorKinds.Names)}.");
        var dataset = await ReadDatasetAsync(options, log, cancellationToken);
        if (training.Face.Cropping() is { } cropping)
            dataset = FaceScreening.Screen(dataset, cropping);
        var decoder = new ImageDecoder();
        var trainImages = training.AllImages ? dataset.Images : dataset.FirstOfEachCell();
        var facetValues = dataset.Facets.ToDictionary(f => f, f => dataset.Values(f));
        log.WriteLine($"Dataset {dataset.Source}: {dataset.Images.Count} images, facets " +
                      string.Join(", ", dataset.Facets.Select(f => $"{f} ({facetValues[f].Count})")) +
                      $"; training on {trainImages.Count}.");
        foreach (var problem in dataset.Problems)
            log.WriteLine($"  skipped {problem.File}: {problem.Reason}");

        log.WriteLine($"Training {training.Backbone} with the {training.Objective} objective: " +
                      $"{training.Epochs} epochs at {training.ImageSize}px, {training.FrozenStages} stages frozen, seed {training.Seed}.");
        // The main run checkpoints beside the output; a rerun of the same command resumes from it.
        var checkpoint = $"{Path.GetFullPath(options.Output.TrimEnd(Path.DirectorySeparatorChar))}.checkpoint";
        var trainedIds = trainImages.Select(i => i.Id).ToHashSet();
        var validation = dataset.Images.Where(i => !trainedIds.Contains(i.Id)).ToList();
        if (training.EarlyStoppingPatience is not null && validation.Count == 0)
            throw new ArgumentException("Early stopping needs images that do not train: every image of this dataset does.");
        var plan = RunPlan.For(training, checkpoint);
        var trained = ModelTraining.Train(dataset, trainImages, plan.Main, new Progress(log), cancellationToken, validation);
        if (trained.BestEpoch is { } best)
            log.WriteLine($"Stopped early after epoch {trained.Losses.Count}; the weights and facet vectors of epoch {best} are kept.");
        log.WriteLine($"ONNX export: max abs difference to TorchSharp {trained.ExportDifference:E2} on unit-length embeddings " +
                      $"(limit {OnnxExporter.Tolerance:E0}), {trained.ExportRawDifference:E2} on raw outputs, over {trained.ExportChecked} images.");

        var galleryImages = new Dictionary<string, byte[]>();
        var entries = new List<GalleryEntry>();
        foreach (var image in dataset.Images)
        {
            using var decoded = decoder.Decode(image.Path);
            var (name, png) = GalleryImages.Encode(decoded);
            galleryImages[name] = png;
            entries.Add(new GalleryEntry(image.Id, image.Labels, name));
        }
        // Pixel-identical images share a PNG name: the protocols count them either way, and the report lists them.
        var content = entries.Select(e => e.Image).ToList();
        var duplicates = entries.GroupBy(e => e.Image).Where(g => g.Count() > 1)
            .Select(g => (IReadOnlyList<string>)g.Select(e => e.Id).ToList()).ToList();

        var (set, other) = WithFacetVectors(Embed(dataset, trained, decoder, trainedIds) with { Content = content }, trained, training);
        var evaluation = EvaluationResult.Of(set, training.Seed);
        var untrained = EvaluationResult.Of(
            Embed(dataset, ModelTraining.Train(dataset, trainImages, plan.Untrained, null, cancellationToken), decoder, trainedIds)
                with { Content = content },
            training.Seed);
        var (unseenCombinations, otherUnseenCombinations) =
            HeldOutCombinations(dataset, trainImages, options.HeldOutFolds, plan.HeldOutFold, decoder, content, log, cancellationToken);
        var facetVectors = KindOf(set);
        log.WriteLine($"Facet vectors: {facetVectors}.");
        Print(log, "seed protocol", evaluation.SeedProtocol);
        Print(log, "unseen images", evaluation.UnseenImages);
        Print(log, "unseen combinations", unseenCombinations);
        PrintByValue(log, unseenCombinations);
        Print(log, "transform", evaluation.Transform);
        Print(log, "untrained seed protocol", untrained.SeedProtocol);
        OtherFacetVectors? comparison = null;
        if (other is not null)
        {
            var otherEvaluation = EvaluationResult.Of(other, training.Seed);
            var otherKind = KindOf(other);
            // Without held-out folds both kinds' unseen combinations say "not run".
            var otherCombinations = otherUnseenCombinations ?? unseenCombinations;
            comparison = new OtherFacetVectors(otherKind, otherEvaluation.SeedProtocol, otherEvaluation.UnseenImages,
                otherCombinations, otherEvaluation.Transform);
            Print(log, $"with {otherKind} facet vectors: seed protocol", otherEvaluation.SeedProtocol);
            Print(log, $"with {otherKind} facet vectors: unseen combinations", otherCombinations);
            Print(log, $"with {otherKind} facet vectors: transform", otherEvaluation.Transform);
        }

        var version = $"{DateTimeOffset.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{ModelRepository.Sha256(new BinaryData(trained.Onnx))[..8]}";
        var report = new TrainingReport(version,
            new DatasetSummary(dataset.Source, facetValues.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value),
                dataset.Images.Count, dataset.ByCell().Count, trainImages.Count, dataset.Problems, duplicates),
            new TrainingSummary(training.Backbone, training.Objective, training.HeadDimensions is null ? "pooled" : "head",
                trained.Dimensions, ModelTraining.SelectDevice(training.Device).type.ToString(), training, trained.Seconds,
                trained.ImagesPerSecond, Process.GetCurrentProcess().PeakWorkingSet64, trained.Losses),
            new ExportSummary(OnnxGraphBuilder.Opset, trained.ExportDifference, trained.ExportRawDifference, OnnxExporter.Tolerance, trained.ExportChecked),
            evaluation.SeedProtocol, evaluation.UnseenImages, unseenCombinations, evaluation.Transform, untrained,
            facetVectors, comparison);

        var bundle = new ModelBundle
        {
            Version = version,
            CreatedUtc = DateTimeOffset.UtcNow,
            Model = trained.Onnx,
            Preprocessing = trained.Preprocessing,
            GalleryVectors = set.Vectors,
            Dimensions = set.Dimensions,
            Gallery = entries,
            FacetNames = dataset.Facets,
            Facets = set.FacetVectors(),
            Report = report.ToJson(),
        };
        var extras = new Dictionary<string, byte[]>
        {
            ["loss.png"] = Plots.LossCurve(trained.Losses, $"{training.Backbone}, {training.Objective} loss, seed {training.Seed}"),
            ["dataset.png"] = Plots.DatasetSheet(dataset, decoder),
            ["retrieval.png"] = Plots.RetrievalGrid(RetrievalRows(dataset, bundle), decoder),
        };
        foreach (var facet in dataset.Facets)
            extras[$"map-{facet}.png"] = Plots.EmbeddingMap(set.Vectors, set.Dimensions, set.Labels, facet);
        await FolderPublisher.WriteAsync(options.Output, bundle, galleryImages, extras, cancellationToken);
        log.WriteLine($"Model {version} written to {Path.GetFullPath(options.Output)}.");
        if (Directory.Exists(checkpoint))
            Directory.Delete(checkpoint, recursive: true);

        if (options.Publish is not null)
        {
            var stores = ArtifactStores.Create(options.Publish);
            await GalleryImages.UploadAsync(stores.Images, galleryImages, cancellationToken);
            await new ModelRepository(stores.Models).PublishAsync(bundle, cancellationToken);
            log.WriteLine($"Model {version} published to {stores.Models.Location}; images in {stores.Images.Location}.");
        }
        return report;
    }

    /// <summary>Embeds every image of the dataset with the model's ONNX file, exactly as serving embeds a query.</summary>
    public static EmbeddedSet Embed(LabelledDataset dataset, TrainedModel model, ImageDecoder decoder, IReadOnlySet<string> trainedIds) =>
        Embed(dataset, model.Onnx, model.Preprocessing, decoder, trainedIds);

    public static EmbeddedSet Embed(LabelledDataset dataset, byte[] onnx, Preprocessing preprocessing, ImageDecoder decoder,
        IReadOnlySet<string> trainedIds)
    {
        using var embedder = new OnnxEmbedder(onnx, preprocessing, new OnnxEmbedderOptions(), NullLogger.Instance);
        var vectors = new List<float>();
        foreach (var batch in dataset.Images.Chunk(32))
        {
            var decoded = batch.Select(i => decoder.Decode(i.Path)).ToList();
            try
            {
                vectors.AddRange(embedder.Embed(decoded));
            }
            finally
            {
                decoded.ForEach(i => i.Dispose());
            }
        }
        return new EmbeddedSet(dataset.Facets, dataset.Images.Select(i => i.Labels).ToList(), vectors.ToArray(),
            embedder.Dimensions, dataset.Images.Select(i => trainedIds.Contains(i.Id)).ToList());
    }

    /// <summary>
    /// Trains once per fold without the fold's cells, then queries those cells against every image: with the facet
    /// vectors the options choose, and with the other kind where the objective learned some (else null).
    /// </summary>
    private static (ProtocolResult Chosen, ProtocolResult? Other) HeldOutCombinations(LabelledDataset dataset,
        IReadOnlyList<LabelledImage> trainImages, int folds, TrainingOptions training, ImageDecoder decoder, IReadOnlyList<string> content,
        TextWriter log, CancellationToken cancellationToken)
    {
        if (folds == 0)
            return (ProtocolResult.NotApplicable("not run: pass --held-out-folds k (k more trainings)"), null);
        var values = dataset.Facets.Select(dataset.Values).ToList();
        HeldOutFolds.Check(values.Select(v => v.Count).ToList(), folds);
        int FoldOf(LabelledImage image) =>
            HeldOutFolds.FoldOf(dataset.Facets.Select((f, k) => values[k].ToList().IndexOf(image.Labels[f])).ToList(), folds);
        var chosen = new List<ProtocolResult>();
        var other = new List<ProtocolResult>();
        for (var fold = 0; fold < folds; fold++)
        {
            var kept = trainImages.Where(i => FoldOf(i) != fold).ToList();
            var heldOut = dataset.Images.Where(i => FoldOf(i) == fold).Select(i => i.CellOf(dataset.Facets)).ToHashSet();
            log.WriteLine($"Held-out fold {fold + 1}/{folds}: {heldOut.Count} cells out, training on {kept.Count} images.");
            var model = ModelTraining.Train(dataset, kept, training, null, cancellationToken);
            var (set, otherSet) = WithFacetVectors(
                Embed(dataset, model, decoder, kept.Select(i => i.Id).ToHashSet()) with { Content = content }, model, training);
            chosen.Add(Protocols.HeldOutCells(set, heldOut, training.Seed));
            if (otherSet is not null)
                other.Add(Protocols.HeldOutCells(otherSet, heldOut, training.Seed));
        }
        return (ProtocolResult.Pool(chosen), other.Count == folds ? ProtocolResult.Pool(other) : null);
    }

    /// <summary>
    /// The set with the facet vectors the options choose, and the same set with the other kind where the objective
    /// learned some (null otherwise), so that the report can compare them on one model.
    /// </summary>
    private static (EmbeddedSet Chosen, EmbeddedSet? Other) WithFacetVectors(EmbeddedSet set, TrainedModel model, TrainingOptions options)
    {
        var learned = options.FacetVectors == FacetVectorKinds.Learned ? model.LearnedFacets : null;
        var chosen = set with { Learned = learned };
        return (chosen, model.LearnedFacets is null ? null : set with { Learned = learned is null ? model.LearnedFacets : null });
    }

    private static string KindOf(EmbeddedSet set) => set.Learned is null ? FacetVectorKinds.Median : FacetVectorKinds.Learned;

    /// <summary>Each cell's composed query against the served gallery: its top five, right ones marked.</summary>
    private static List<IReadOnlyList<(string Path, bool Right)>> RetrievalRows(LabelledDataset dataset, ModelBundle bundle)
    {
        var index = new ExactVectorIndex(bundle.GalleryVectors, bundle.Dimensions);
        return dataset.ByCell().Select(cell =>
        {
            var labels = cell.First().Labels;
            var query = VectorMath.Compose(dataset.Facets.Select(f =>
            {
                bundle.Facets.TryGet(f, labels[f], out var vector);
                return (vector, 1f);
            }), bundle.Dimensions);
            return (IReadOnlyList<(string, bool)>)index.Search(query, 5)
                .Select(hit => (dataset.Images[hit.Row].Path, dataset.Facets.All(f => dataset.Images[hit.Row].Labels[f] == labels[f])))
                .ToList();
        }).ToList();
    }

    private static void Print(TextWriter log, string name, ProtocolResult result) =>
        log.WriteLine(result.Top1 is null
            ? $"{name}: {result.Note}"
            // The count beside the fraction: 2183 of 2184 rounds to 1.000.
            : $"{name}: top-1 {result.Top1:F3} ({Math.Round(result.Top1.Value * result.Queries)} of {result.Queries} queries)" +
              (result.MeanAveragePrecision is { } map ? $", mAP {map:F3}" : "") + $" (random vectors: {result.Chance:F3})");

    /// <summary>One line per facet: the top-1 of each value's queries, to show which values go wrong.</summary>
    private static void PrintByValue(TextWriter log, ProtocolResult result)
    {
        if (result.ByValue is null) return;
        foreach (var (facet, values) in result.ByValue)
            log.WriteLine($"  by {facet}: " + string.Join(", ", values.Select(v => $"{v.Key} {v.Value.Top1:F2}")));
    }

    private static async Task<LabelledDataset> ReadDatasetAsync(TrainJobOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        if (string.Equals(options.Data, Synthetic, StringComparison.OrdinalIgnoreCase))
            return DrawSynthetic(options.Synthetic, log);
        if (!BlobDatasets.IsBlobReference(options.Data))
            return DatasetReader.Read(options.Data, options.Format);
        if (options.Publish is null)
            throw new ArgumentException($"'{options.Data}' is in Blob Storage: name the account with --storage-connection-string or --storage-service-uri.");
        var folder = Path.Combine(Path.GetTempPath(), $"facefunctions-dataset-{Guid.NewGuid():N}");
        var (_, files) = await BlobDatasets.DownloadAsync(options.Data, ArtifactStores.ServiceClient(options.Publish), folder, cancellationToken);
        log.WriteLine($"Copied {files} files of {options.Data} into {folder}.");
        return DatasetReader.Read(folder, options.Format);
    }

    /// <summary>Draws the embedded default into a fresh temporary folder and reads it back through the JAFFE reader.</summary>
    public static LabelledDataset DrawSynthetic(SyntheticFacesOptions options, TextWriter log)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"facefunctions-synthetic-{Guid.NewGuid():N}");
        var paths = SyntheticFaces.Write(folder, options);
        log.WriteLine($"Drew {paths.Count} synthetic faces into {folder}.");
        return DatasetReader.Read(folder, DatasetFormat.Jaffe);
    }

    private sealed class Progress(TextWriter log) : ITrainingProgress
    {
        public void Starting(int firstEpoch, string reason) => log.WriteLine($"Training starts at epoch {firstEpoch}: {reason}.");

        public void Report(EpochProgress p) =>
            log.WriteLine($"  epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:F4}  {p.Elapsed:mm\\:ss} elapsed, " +
                          $"{p.Remaining:mm\\:ss} left, {p.ImagesPerSecond:F0} images/s");
    }
}
