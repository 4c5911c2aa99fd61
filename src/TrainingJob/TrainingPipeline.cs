using System.Diagnostics;
using System.Globalization;
using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.Imaging;
using FaceFunctions.Index;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Options;
using FaceFunctions.Storage;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Evaluation;
using FaceFunctions.TrainingJob.Export;
using FaceFunctions.TrainingJob.Model;
using FaceFunctions.TrainingJob.Publishing;
using FaceFunctions.TrainingJob.Reporting;
using FaceFunctions.TrainingJob.Training;
using FaceFunctions.Vectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaceFunctions.TrainingJob;

public sealed record TrainJobOptions
{
    /// <summary>
    /// Dataset folders, "blob:CONTAINER/FOLDER" in the storage account of <see cref="Publish"/>, or "synthetic": one,
    /// or several joined into one (<see cref="DatasetSource"/>).
    /// </summary>
    public required IReadOnlyList<string> Data { get; init; }
    public DatasetFormat Format { get; init; } = DatasetFormat.Auto;
    public required string Output { get; init; }
    public TrainingOptions Training { get; init; } = new();
    /// <summary>
    /// A finished checkpoint to export instead of training (the export command): its record's options replace
    /// <see cref="Training"/>, and the dataset must be the one it trained on.
    /// </summary>
    public string? Checkpoint { get; init; }
    public SyntheticFacesOptions Synthetic { get; init; } = new();
    /// <summary>Folds of the unseen-combinations protocol (k more trainings); 0 skips it.</summary>
    public int HeldOutFolds { get; init; }
    /// <summary>Folds of the enrolled-values protocol (k more trainings, each without a k-th of the first facet's values); 0 skips it.</summary>
    public int EnrolledFolds { get; init; }
    /// <summary>Blob Storage to publish to after the folder is written; null publishes nowhere else.</summary>
    public StorageOptions? Publish { get; init; }
    /// <summary>PostgreSQL to publish the gallery to as well (the pgvector backend), before the store's pointer moves.</summary>
    public PostgresOptions? Postgres { get; init; }

    /// <summary>Where the train stage keeps its checkpoint: beside the output, where a rerun of the same command resumes.</summary>
    public string CheckpointFolder => $"{Path.GetFullPath(Output.TrimEnd(Path.DirectorySeparatorChar))}.checkpoint";
}

/// <summary>
/// The training job's stages in a row: read the dataset, train (leaving a finished checkpoint) or take a finished
/// checkpoint, export ONNX and check it against TorchSharp, embed the gallery with ONNX Runtime as serving will,
/// evaluate, write the version folder, then publish it to storage.
/// </summary>
public static class TrainingPipeline
{
    public static async Task<TrainingReport> RunAsync(TrainJobOptions options, ILogger log, CancellationToken cancellationToken)
    {
        // One container for the run's storage (the Blob client, its credential and the stores), from the dataset to publication.
        await using var storage = options.Publish is null ? null : StorageServices.Provider(options.Publish);
        return options.Checkpoint is { } checkpoint
            ? await ExportAsync(options, checkpoint, storage, log, cancellationToken)
            : await TrainAsync(options, storage, log, cancellationToken);
    }

    /// <summary>Every stage: train (keeping the checkpoint), then those after export.</summary>
    private static async Task<TrainingReport> TrainAsync(TrainJobOptions options, IServiceProvider? storage, ILogger log, CancellationToken cancellationToken)
    {
        // The run's own checkpoint goes where it trains from: the first save would replace the network it fine-tunes.
        if (options.Training.From is { } from && Path.GetFullPath(from).TrimEnd(Path.DirectorySeparatorChar) == options.CheckpointFolder)
            throw new ArgumentException($"Fine-tuning {from} into {options.Output} would replace the checkpoint it starts from: choose another --output.");
        var dataset = await ReadAsync(options, options.Training.Face, storage, log, cancellationToken);
        var training = options.Training;
        var trainImages = dataset.ImagesThatTrain(training.TrainOn);
        var trainCells = trainImages.Select(i => i.CellOf(dataset.Facets)).Distinct().Count();
        training = training.ForCells(trainCells) with { Epochs = training.EpochsFor(trainImages.Count, trainCells) };
        LogStart(log, dataset, trainImages, training);
        var plan = RunPlan.For(training, options.CheckpointFolder);
        var trained = TrainMain(dataset, trainImages, plan, log, cancellationToken);
        log.LogInformation("Checkpoint kept in {Checkpoint}: export and fine-tune from it without training again.", options.CheckpointFolder);
        return await FinishAsync(options, dataset, trainImages, plan, trained, storage, log, cancellationToken);
    }

    /// <summary>The export stage and those after it, on a finished checkpoint and the dataset it trained on.</summary>
    private static async Task<TrainingReport> ExportAsync(TrainJobOptions options, string checkpoint, IServiceProvider? storage, ILogger log,
        CancellationToken cancellationToken)
    {
        var (record, learned) = CheckpointRecord.Read(checkpoint);
        var dataset = await ReadAsync(options, record.Options.Face, storage, log, cancellationToken);
        var fingerprint = DatasetFingerprint.Of(dataset);
        if (fingerprint.Sha256 != record.Dataset?.Sha256)
            throw new ArgumentException($"The checkpoint in {checkpoint} was trained on {record.Dataset?.Images} images of {record.Dataset?.Source} " +
                                        $"(SHA-256 {record.Dataset?.Sha256}); {dataset.Source} holds other images or labels ({fingerprint.Sha256}).");
        var trainedIds = record.TrainedImages.ToHashSet();
        var trainImages = dataset.Images.Where(i => trainedIds.Contains(i.Id)).ToList();
        var trained = TrainStage.ExportCheckpoint(checkpoint, record, learned, trainImages);
        log.LogInformation("Exported the checkpoint in {Checkpoint} ({Epochs} epochs of {Backbone}); no epoch trained.", checkpoint, record.Losses.Count, Choices.NameOf(record.Options.Backbone));
        LogExport(log, trained);
        return await FinishAsync(options, dataset, trainImages, RunPlan.For(record.Options, null), trained, storage, log, cancellationToken);
    }

    /// <summary>The dataset, through the face step that training used.</summary>
    private static async Task<LabelledDataset> ReadAsync(TrainJobOptions options, FaceStep face, IServiceProvider? storage, ILogger log,
        CancellationToken cancellationToken)
    {
        var dataset = await DatasetSource.ReadAsync(options.Data, options.Format, options.Synthetic, storage, log, cancellationToken);
        return face.Cropping() is { } cropping ? FaceScreening.Screen(dataset, cropping) : dataset;
    }

    /// <summary>Evaluation, the version folder and publication: the same after training and after exporting a checkpoint.</summary>
    private static async Task<TrainingReport> FinishAsync(TrainJobOptions options, LabelledDataset dataset, IReadOnlyList<LabelledImage> trainImages,
        RunPlan plan, ExportedModel trained, IServiceProvider? storage, ILogger log, CancellationToken cancellationToken)
    {
        var training = plan.Main;
        var decoder = new ImageDecoder();
        var gallery = Gallery.Of(dataset, decoder);
        var evaluation = new ModelEvaluator(dataset, gallery.Content, decoder, log)
            .Evaluate(trained, trainImages, plan, new EvaluationFolds(options.HeldOutFolds, options.EnrolledFolds), cancellationToken);
        var version = $"{DateTimeOffset.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{ModelRepository.Sha256(new BinaryData(trained.Onnx))[..8]}";
        var report = Report(version, dataset, trainImages, gallery, training, trained, evaluation);
        var bundle = Bundle(version, dataset, gallery, trained, evaluation, report) with
        {
            Description = new ModelDescription(Choices.NameOf(training.Backbone), Choices.NameOf(training.Objective),
                Choices.NameOf(evaluation.FacetVectors), Choices.NameOf(training.TrainOn), training.Seed),
        };
        await FolderPublisher.WriteAsync(options.Output, bundle, gallery.Images, Pictures(dataset, bundle, evaluation, training, decoder, trained), cancellationToken);
        log.LogInformation("Model {Version} written to {Folder}.", version, Path.GetFullPath(options.Output));
        if (storage is not null)
            await StorePublishing.PublishAsync(bundle, gallery.Images, storage.GetRequiredService<ArtifactStores>(), options.Postgres, log, cancellationToken);
        return report;
    }

    private static void LogStart(ILogger log, LabelledDataset dataset, IReadOnlyList<LabelledImage> trainImages, TrainingOptions training)
    {
        log.LogInformation("Dataset {Source}: {Images} images, facets {Facets}; training on {Training}.", dataset.Source, dataset.Images.Count,
            string.Join(", ", dataset.Facets.Select(f => $"{f} ({dataset.Values(f).Count})")), trainImages.Count);
        if (dataset.PartlyLabelled.Count > 0)
            log.LogInformation("  and {Partly} images without a value on some facet, which train the facets they carry: {Sources}.", dataset.PartlyLabelled.Count,
                string.Join("; ", dataset.Sources().Select(s => $"{s.Name} {s.Images} ({string.Join(", ", s.Labelled.Select(l => $"{l.Value} {l.Key}"))})")));
        foreach (var problem in dataset.Problems)
            log.LogInformation("  skipped {File}: {Reason}", problem.File, problem.Reason);
        log.LogInformation("Training {Backbone} with the {Objective} objective: {Epochs} epochs at {ImageSize}px, {Frozen} stages frozen, seed {Seed}.",
            Choices.NameOf(training.Backbone), Choices.NameOf(training.Objective), training.Epochs, training.ImageSize, training.FrozenStages, training.Seed);
        if (training.Composition.TransformWeight > 0 && !CompositionLoss.TransformTermFits(dataset.Facets.Select(f => dataset.Values(f).Count).ToList()))
            log.LogInformation("  the transform term is left out: it scores every combination of facet values, at most {MaxCells}.", CompositionLoss.MaxCells);
    }

    /// <summary>The main run, early-stopped on the images that do not train when the options ask for it.</summary>
    private static ExportedModel TrainMain(LabelledDataset dataset, IReadOnlyList<LabelledImage> trainImages, RunPlan plan, ILogger log,
        CancellationToken cancellationToken)
    {
        var trainedIds = trainImages.Select(i => i.Id).ToHashSet();
        var validation = dataset.Images.Where(i => !trainedIds.Contains(i.Id)).ToList();
        if (plan.Main.EarlyStoppingPatience is not null && validation.Count == 0)
            throw new ArgumentException("Early stopping needs images that do not train: every image of this dataset does.");
        var trained = TrainStage.Train(dataset, trainImages, plan.Main, new Progress(log), cancellationToken, validation);
        if (trained.BestEpoch is { } best)
            log.LogInformation("Stopped early after epoch {Epoch}; the weights and facet vectors of epoch {Best} are kept.", trained.Losses.Count, best);
        LogExport(log, trained);
        return trained;
    }

    private static void LogExport(ILogger log, ExportedModel trained) =>
        log.LogInformation("ONNX export: max abs difference to TorchSharp {Difference:E2} on unit-length embeddings (limit {Tolerance:E0}), " +
                           "{RawDifference:E2} on raw outputs, over {Checked} images.",
            trained.ExportDifference, OnnxExporter.Tolerance, trained.ExportRawDifference, trained.ExportChecked);

    private static TrainingReport Report(string version, LabelledDataset dataset, IReadOnlyList<LabelledImage> trainImages, Gallery gallery,
        TrainingOptions training, ExportedModel trained, ModelEvaluation evaluation) =>
        new(version,
            new DatasetSummary(dataset.Source, dataset.Facets.ToDictionary(f => f, dataset.Values),
                dataset.Images.Count, dataset.ByCell().Count, trainImages.Count, dataset.PartlyLabelled.Count, dataset.Sources(),
                dataset.Problems, gallery.Duplicates),
            new TrainingSummary(training.Backbone, training.Objective, EmbeddingOf(training),
                trained.Dimensions, TrainStage.SelectDevice(training.Device).type.ToString(), training, trained.Seconds,
                trained.ImagesPerSecond, Process.GetCurrentProcess().PeakWorkingSet64, trained.Losses),
            new ExportSummary(OnnxGraphBuilder.Opset, trained.ExportDifference, trained.ExportRawDifference, OnnxExporter.Tolerance, trained.ExportChecked),
            evaluation.Result.SeedProtocol, evaluation.Result.ExperimentProtocol, evaluation.Result.UnseenImages, evaluation.UnseenCombinations, evaluation.Result.Transform,
            evaluation.Untrained, evaluation.FacetVectors, evaluation.Comparison, evaluation.EnrolledValues);

    /// <summary>What the index stores, for the report: the pooled features, the head's output, or the experiment's feature-map median.</summary>
    private static string EmbeddingOf(TrainingOptions training) =>
        training.Readout == EmbeddingReadout.FeatureMapMedian ? Choices.NameOf(training.Readout) : training.HeadDimensions is null ? "pooled" : "head";

    private static ModelBundle Bundle(string version, LabelledDataset dataset, Gallery gallery, ExportedModel trained,
        ModelEvaluation evaluation, TrainingReport report) => new()
    {
        Version = version,
        CreatedUtc = DateTimeOffset.UtcNow,
        Model = trained.Onnx,
        Preprocessing = trained.Preprocessing,
        GalleryVectors = evaluation.Set.Vectors,
        Dimensions = evaluation.Set.Dimensions,
        Gallery = gallery.Entries,
        FacetNames = dataset.Facets,
        Facets = evaluation.Set.FacetVectors(),
        Report = report.ToJson(),
    };

    /// <summary>The pictures beside the model that people would rather see than read.</summary>
    private static Dictionary<string, byte[]> Pictures(LabelledDataset dataset, ModelBundle bundle, ModelEvaluation evaluation,
        TrainingOptions training, ImageDecoder decoder, ExportedModel trained)
    {
        var pictures = new Dictionary<string, byte[]>
        {
            ["loss.png"] = Plots.LossCurve(trained.Losses, $"{Choices.NameOf(training.Backbone)}, {Choices.NameOf(training.Objective)} loss, seed {training.Seed}"),
            ["dataset.png"] = Plots.DatasetSheet(dataset, decoder),
            ["retrieval.png"] = Plots.RetrievalGrid(RetrievalRows(dataset, bundle), decoder),
        };
        foreach (var facet in dataset.Facets)
            pictures[$"map-{facet}.png"] = Plots.EmbeddingMap(evaluation.Set.Vectors, evaluation.Set.Dimensions, evaluation.Set.Labels, facet);
        return pictures;
    }

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

    private sealed class Progress(ILogger log) : ITrainingProgress
    {
        public void Starting(int firstEpoch, string reason) => log.LogInformation("Training starts at epoch {Epoch}: {Reason}.", firstEpoch, reason);

        public void Report(EpochProgress p) =>
            log.LogInformation("  epoch {Epoch}/{Epochs}  loss {Loss:F4}  {Elapsed} elapsed, {Remaining} left, {ImagesPerSecond:F0} images/s",
                p.Epoch, p.Epochs, p.Loss, p.Elapsed.ToString(@"mm\:ss", CultureInfo.InvariantCulture),
                p.Remaining.ToString(@"mm\:ss", CultureInfo.InvariantCulture), p.ImagesPerSecond);
    }
}
