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
    /// The original experiment as its notebook ran: cnn_finetune's ImageNet MobileNetV2 with a classifier of one output
    /// per cell, on which a triplet loss (Euclidean, margin 1.0, mean over the batch) acts raw, the positive drawn from
    /// every image with the anchor's value (itself included); one image per cell, batch 16, Adam 1e-4, 50 epochs, its
    /// augmentations, 256 px stretched (torchvision's Resize((256, 256))), pixel values in [0, 1] (ToTensor with no
    /// Normalize); indexed by numpy's median of the last feature map over the height, then the width
    /// (<see cref="SpatialMedian"/>), with every BatchNorm normalising by the image's own statistics (the network was
    /// never put in evaluation mode and embedded one image at a time); facet vectors the median of their images. Every
    /// layer trains.
    /// </summary>
    private static readonly TrainingOptions OriginalExperiment = new()
    {
        Backbone = Backbone.MobileNetV2,
        Objective = Objective.Triplet,
        Readout = EmbeddingReadout.FeatureMapMedian,
        Median = MedianRule.Numpy,
        EmbeddingNorm = EmbeddingNorm.PerImage,
        InputScale = InputScale.Unit,
        TripletPositive = TripletPositive.Any,
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
