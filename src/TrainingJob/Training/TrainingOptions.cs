using System.Text.Json.Serialization;
using FaceFunctions.Artifacts;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Model;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>An objective as the registry knows it: its terms (the triplet loss, the composition loss) and what follows.</summary>
/// <param name="UsesTriplet">A triplet term: each anchor brings a positive and a negative through the network.</param>
/// <param name="LearnsFacetVectors">A composition term, whose value vectors are learned facet vectors.</param>
public sealed record ObjectiveEntry(Objective Kind, bool UsesTriplet, bool LearnsFacetVectors)
{
    /// <summary>Images each anchor puts through the network: with a triplet term the anchor, its positive and its negative.</summary>
    public int ImagesPerAnchor => UsesTriplet ? 3 : 1;

    /// <summary>
    /// Epochs that put the same number of images through the network whatever the objective (90 for composition
    /// alone, 30 with a triplet term). Compared at equal epochs, composition alone had seen a third of the images
    /// (docs/accuracy.md).
    /// </summary>
    public int DefaultEpochs => 90 / ImagesPerAnchor;
}

/// <summary>The registry of objectives.</summary>
public static class Objectives
{
    public static readonly IReadOnlyDictionary<Objective, ObjectiveEntry> Registry = new Dictionary<Objective, ObjectiveEntry>
    {
        [Objective.Triplet] = new(Objective.Triplet, UsesTriplet: true, LearnsFacetVectors: false),
        [Objective.Composition] = new(Objective.Composition, UsesTriplet: false, LearnsFacetVectors: true),
        [Objective.CompositionTriplet] = new(Objective.CompositionTriplet, UsesTriplet: true, LearnsFacetVectors: true),
    };

    public static bool UsesTriplet(this Objective objective) => Registry[objective].UsesTriplet;

    public static bool LearnsFacetVectors(this Objective objective) => Registry[objective].LearnsFacetVectors;

    public static int DefaultEpochs(this Objective objective) => Registry[objective].DefaultEpochs;
}

/// <summary>Where training runs.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ComputeDevice>))]
public enum ComputeDevice
{
    /// <summary>CUDA when present, else the CPU.</summary>
    [JsonStringEnumMemberName("auto")] Auto,
    [JsonStringEnumMemberName("cpu")] Cpu,
    [JsonStringEnumMemberName("cuda")] Cuda,
}

/// <summary>Whether images go through the face step (find, level and crop the face) before the network, in training and so in serving.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FaceStep>))]
public enum FaceStep
{
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("detect")] Detect,
}

public static class FaceSteps
{
    /// <summary>The step's settings as preprocessing.json records them; null for none.</summary>
    public static FaceFunctions.Artifacts.FaceCropping? Cropping(this FaceStep step) =>
        step == FaceStep.Detect ? FaceFunctions.Faces.BlazeFaceDetector.Cropping() : null;
}

/// <summary>How the network is trained. The defaults are the best measured configuration (docs/accuracy.md).</summary>
public sealed record TrainingOptions
{
    public Backbone Backbone { get; init; } = Backbone.ResNet18;
    /// <summary>See <see cref="Model.Backbones.Create"/>.</summary>
    public string? Weights { get; init; }
    public Objective Objective { get; init; } = Objective.Composition;
    /// <summary>
    /// Null indexes the pooled backbone features; a number adds a linear projection head of that size. With
    /// <see cref="EmbeddingReadout.FeatureMapMedian"/> null means one output per cell (the experiment's classifier).
    /// </summary>
    public int? HeadDimensions { get; init; }
    /// <summary>What the index stores and the loss acts on; see <see cref="EmbeddingReadout"/>.</summary>
    public EmbeddingReadout Readout { get; init; } = EmbeddingReadout.NetworkOutput;
    /// <summary>The median the feature-map readout takes; see <see cref="MedianRule"/>.</summary>
    public MedianRule Median { get; init; } = MedianRule.Lower;
    /// <summary>What BatchNorm normalises with when the trained network embeds; see <see cref="EmbeddingNorm"/>.</summary>
    public EmbeddingNorm EmbeddingNorm { get; init; } = EmbeddingNorm.Running;
    /// <summary>The network's input values; see <see cref="InputScale"/>.</summary>
    public InputScale InputScale { get; init; } = InputScale.Backbone;
    /// <summary>Which images a triplet's positive comes from; see <see cref="TripletPositive"/>.</summary>
    public TripletPositive TripletPositive { get; init; } = TripletPositive.Other;

    /// <summary>The readout, median and statistics the network embeds with.</summary>
    [JsonIgnore]
    public EmbeddingRule Embedding => new(Readout, Median, EmbeddingNorm);
    /// <summary>
    /// Null: the objective's default (<see cref="Objectives.DefaultEpochs"/>) counted in passes over one image of each
    /// cell, so that training on two images of each cell takes half the epochs and the same time (<see cref="EpochsFor"/>).
    /// </summary>
    public int? Epochs { get; init; }
    public int ImageSize { get; init; } = 128;
    /// <summary>How images are fitted to the square input, in training and so in serving.</summary>
    public ImageFit Fit { get; init; } = ImageFit.CenterCrop;
    /// <summary>
    /// The face step; images in which it finds no face are left out of the dataset. On by default: it lifts search by
    /// phone-like photos far above chance and leaves studio crops as they were (docs/accuracy.md, "Phone-like photos").
    /// </summary>
    public FaceStep Face { get; init; } = FaceStep.Detect;
    public int BatchSize { get; init; } = 16;
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>Adam's rate for the composition objective's facet value vectors; null: <see cref="LearningRate"/>.</summary>
    public double? FacetLearningRate { get; init; }
    public double Margin { get; init; } = 1.0;
    public int Seed { get; init; } = 1;
    /// <summary>MobileNetV2 width multiplier: 1.0 is the paper's network; tests use less.</summary>
    public double WidthMultiplier { get; init; } = 1.0;
    /// <summary>
    /// Which images train; the experiment used the first of each cell. Every image but one of each cell (one image a
    /// cell stays unseen where it has more; a cell of one image trains on it) is the best measured on the drawn faces,
    /// and within the default's time thanks to <see cref="EpochsFor"/> (docs/accuracy.md, issue 17).
    /// </summary>
    public TrainingImages TrainOn { get; init; } = TrainingImages.AllButOneOfEachCell;
    /// <summary>Augment anchors, positives and negatives (random resized crop, shear, flip, brightness and contrast).</summary>
    public bool Augment { get; init; } = true;
    /// <summary>How far the augmentations go.</summary>
    public AugmentationSettings Augmentation { get; init; } = AugmentationSettings.Default;
    /// <summary>
    /// Mirror half the augmented images. Off where a facet has a side, such as Yale's leftlight and rightlight: a
    /// mirrored leftlight face looks lit from the right but keeps its label.
    /// </summary>
    public bool Flip { get; init; } = true;
    /// <summary>
    /// How many of the backbone's stages, from the input, keep their initial weights: 1 the stem, 2 the stem and the
    /// first stage of blocks, and so on; 0 trains them all. See <see cref="Model.Backbones.DefaultFrozenStages"/>; set
    /// it with another backbone or weights.
    /// </summary>
    public int FrozenStages { get; init; } = Backbones.DefaultFrozenStages(Backbone.ResNet18, null);
    /// <summary>
    /// A finished checkpoint whose network this run starts from (fine-tuning) instead of <see cref="Weights"/>; its
    /// architecture (<see cref="Backbone"/>, <see cref="WidthMultiplier"/>, <see cref="HeadDimensions"/>) must be this
    /// run's (<see cref="FineTuning"/>). The facet vectors start afresh: the dataset may have other values.
    /// </summary>
    public string? From { get; init; }
    /// <summary>Where to save the network every <see cref="CheckpointEvery"/> epochs, and resume from; null saves nothing.</summary>
    public string? CheckpointFolder { get; init; }
    public int CheckpointEvery { get; init; } = 5;
    /// <summary>
    /// Stop when the objective on the validation images (those that do not train) has not improved for this many
    /// epochs, keeping the best epoch's weights; null trains every epoch.
    /// </summary>
    public int? EarlyStoppingPatience { get; init; }
    public FacetVectorKind FacetVectors { get; init; } = FacetVectorKind.Learned;
    /// <summary>
    /// The composition objective's temperature and transform term. The term is on (weight 1): on three seeds it raised
    /// the held-out cells of Yale and of the drawn faces (docs/accuracy.md, "Unseen combinations: the levers of issue 17").
    /// </summary>
    public CompositionTerms Composition { get; init; } = new(TransformWeight: 1);
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;

    /// <summary>These options, starting from the finished checkpoint in <paramref name="folder"/>, with its architecture.</summary>
    public TrainingOptions FineTuning(string folder)
    {
        var trained = CheckpointRecord.Read(folder).Record.Options;
        return this with
        {
            From = Path.GetFullPath(folder),
            Backbone = trained.Backbone,
            WidthMultiplier = trained.WidthMultiplier,
            HeadDimensions = trained.HeadDimensions,
            Readout = trained.Readout,
            Median = trained.Median,
        };
    }

    /// <summary>
    /// These options with what the dataset decides resolved: the experiment's classifier head has one output per cell
    /// (<paramref name="cells"/>) unless the head's size was given.
    /// </summary>
    public TrainingOptions ForCells(int cells) =>
        Readout == EmbeddingReadout.FeatureMapMedian && HeadDimensions is null ? this with { HeadDimensions = cells } : this;

    /// <summary>The epochs that train <paramref name="images"/> images of <paramref name="cells"/> cells: <see cref="Epochs"/>, or the default budget.</summary>
    public int EpochsFor(int images, int cells) =>
        Epochs ?? Math.Max(1, (int)Math.Round(Objective.DefaultEpochs() * (double)cells / Math.Max(images, 1)));
}

/// <summary>One finished epoch, for progress reports.</summary>
public sealed record EpochProgress(int Epoch, int Epochs, double Loss, TimeSpan Elapsed, TimeSpan Remaining, double ImagesPerSecond);

/// <summary>What a training run tells as it goes: where it starts, then each epoch.</summary>
public interface ITrainingProgress : IProgress<EpochProgress>
{
    /// <summary>Said once before the first epoch: the epoch training starts at (1, or the one after a checkpoint's) and why.</summary>
    void Starting(int firstEpoch, string reason)
    {
    }
}
