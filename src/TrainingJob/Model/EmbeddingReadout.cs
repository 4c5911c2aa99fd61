using System.Text.Json.Serialization;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>What the index stores for an image, and so what the loss acts on.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EmbeddingReadout>))]
public enum EmbeddingReadout
{
    /// <summary>The network's output (the head's where there is one, else the pooled features); the loss acts on it at unit length.</summary>
    [JsonStringEnumMemberName("network-output")] NetworkOutput,

    /// <summary>
    /// The original experiment's: the loss acts on the network's raw output (its classifier head), and the embedding is
    /// the backbone's last feature map reduced by a median over each spatial axis (<see cref="MedianRule"/>), then
    /// (x - min) / max (<see cref="SpatialMedian"/>).
    /// </summary>
    [JsonStringEnumMemberName("feature-map-median")] FeatureMapMedian,
}
