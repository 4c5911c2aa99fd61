using System.Text.Json.Serialization;
using FaceFunctions.Artifacts;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Model;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>A named configuration: the options train starts from, before the ones given on the command line.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Recipe>))]
public enum Recipe
{
    /// <summary>The best measured configuration (<see cref="TrainingOptions"/>' defaults; docs/accuracy.md).</summary>
    [JsonStringEnumMemberName("default")] Default,

    /// <summary>The JAFFE experiment as it was run (docs/accuracy.md, "The original experiment"); needs ImageNet MobileNetV2 weights.</summary>
    [JsonStringEnumMemberName("original-experiment")] OriginalExperiment,
}

public static class Recipes
{
    /// <summary>
    /// The original experiment: cnn_finetune's ImageNet MobileNetV2 with a classifier of one output per cell, on which a
    /// triplet loss (Euclidean, margin 1.0, mean over the batch) acts raw; one image per cell, batch 16, Adam 1e-4, 50
    /// epochs, its augmentations, 256 px stretched (torchvision's Resize((256, 256))); indexed by the median of the last
    /// feature map (<see cref="SpatialMedian"/>); facet vectors the median of their images. Every layer trains.
    /// </summary>
    private static readonly TrainingOptions OriginalExperiment = new()
    {
        Backbone = Backbone.MobileNetV2,
        Objective = Objective.Triplet,
        Readout = EmbeddingReadout.FeatureMapMedian,
        FacetVectors = FacetVectorKind.Median,
        Epochs = 50,
        ImageSize = 256,
        Fit = ImageFit.Stretch,
        Face = FaceStep.None,
        BatchSize = 16,
        LearningRate = 1e-4,
        Margin = 1.0,
        TrainOn = TrainingImages.FirstOfEachCell,
        Augmentation = AugmentationSettings.OriginalExperiment,
        Flip = true,
        FrozenStages = 0,
    };

    /// <summary>The options the recipe starts from.</summary>
    public static TrainingOptions Options(this Recipe recipe) => recipe switch
    {
        Recipe.OriginalExperiment => OriginalExperiment,
        _ => new TrainingOptions(),
    };

    /// <summary>Whether the recipe is only itself with weights that the user passes (ImageNet's, which cannot ship with the job).</summary>
    public static bool NeedsWeights(this Recipe recipe) => recipe == Recipe.OriginalExperiment;
}
