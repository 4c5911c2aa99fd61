using System.Text.Json.Serialization;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>
/// How the network turns an image into the embedding the index stores, beside its weights: the readout, the median
/// the feature-map readout takes, and the statistics its BatchNorm layers normalise with when it embeds.
/// </summary>
public sealed record EmbeddingRule(
    EmbeddingReadout Readout = EmbeddingReadout.NetworkOutput,
    MedianRule Median = MedianRule.Lower,
    EmbeddingNorm Norm = EmbeddingNorm.Running);

/// <summary>Which median the feature-map readout takes over each spatial axis, and in which order (<see cref="SpatialMedian"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MedianRule>))]
public enum MedianRule
{
    /// <summary>torch.median's: the lower of the two middle values of an even count; over the width, then the height.</summary>
    [JsonStringEnumMemberName("lower")] Lower,

    /// <summary>
    /// numpy.median's, as the experiment's notebook took it: the mean of the two middle values of an even count; over
    /// the height (its axis 2), then the width.
    /// </summary>
    [JsonStringEnumMemberName("numpy")] Numpy,
}

/// <summary>What a BatchNorm layer normalises with when the trained network embeds an image.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EmbeddingNorm>))]
public enum EmbeddingNorm
{
    /// <summary>Its running averages, re-estimated on the clean training images after training (model.eval()).</summary>
    [JsonStringEnumMemberName("running")] Running,

    /// <summary>
    /// The statistics of the image itself, per channel over its positions: what a network still in training mode
    /// computes for a batch of one image, as the experiment's notebook embedded its gallery (it never called
    /// model.eval()). ONNX's InstanceNormalization with the layer's scale and shift.
    /// </summary>
    [JsonStringEnumMemberName("per-image")] PerImage,
}
