using System.Text.Json.Serialization;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>Where the facet vectors that are published, and composed by the protocols, come from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FacetVectorKind>))]
public enum FacetVectorKind
{
    /// <summary>The unit-length element-wise median of each value's images (the original experiment's).</summary>
    [JsonStringEnumMemberName("median")] Median,
    /// <summary>The value vectors the composition objective learned; the median for the triplet loss alone.</summary>
    [JsonStringEnumMemberName("learned")] Learned,
}
