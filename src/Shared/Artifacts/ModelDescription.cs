using System.Text.Json.Serialization;

namespace FaceFunctions.Artifacts;

/// <summary>
/// What a model is, written by the training job into manifest.json: the network, what it was trained to minimise,
/// which facet vectors it publishes and which images trained it. `evaluate` reads it there; serving needs none of it.
/// </summary>
public sealed record ModelDescription(Backbone Backbone, Objective Objective, FacetVectorKind FacetVectors, TrainingImages TrainedOn,
    int Seed);

/// <summary>Which images of a dataset train a model.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrainingImages>))]
public enum TrainingImages
{
    /// <summary>The first image (by id) of every cell, as the experiment trained.</summary>
    [JsonStringEnumMemberName("first-of-each-cell")] FirstOfEachCell,
    [JsonStringEnumMemberName("all")] All,
    /// <summary>Every image but the last (by id) of each cell that has two or more: those are the unseen images.</summary>
    [JsonStringEnumMemberName("all-but-one-of-each-cell")] AllButOneOfEachCell,
}

/// <summary>The networks the training job offers.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Backbone>))]
public enum Backbone
{
    /// <summary>The experiment's MobileNetV2, from scratch or from torchvision's weights.</summary>
    [JsonStringEnumMemberName("mobilenet_v2")] MobileNetV2,
    /// <summary>ResNet18 on ImageNet weights.</summary>
    [JsonStringEnumMemberName("resnet18")] ResNet18,
}

/// <summary>What training minimises.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Objective>))]
public enum Objective
{
    /// <summary>The experiment's: the positive shares the person or the expression with the anchor, the negative differs in it.</summary>
    [JsonStringEnumMemberName("triplet")] Triplet,
    /// <summary>Each image classified among the cells composed from learned facet value vectors.</summary>
    [JsonStringEnumMemberName("composition")] Composition,
    /// <summary>Both.</summary>
    [JsonStringEnumMemberName("composition+triplet")] CompositionTriplet,
}

/// <summary>Where the facet vectors that are published, and composed by the protocols, come from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FacetVectorKind>))]
public enum FacetVectorKind
{
    /// <summary>The unit-length element-wise median of each value's images (the original experiment's).</summary>
    [JsonStringEnumMemberName("median")] Median,
    /// <summary>The value vectors the composition objective learned; the median for the triplet loss alone.</summary>
    [JsonStringEnumMemberName("learned")] Learned,
}

