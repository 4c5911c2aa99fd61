using System.Text.Json.Serialization;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>Which images a triplet's positive is drawn from (<see cref="TripletSampler"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TripletPositive>))]
public enum TripletPositive
{
    /// <summary>Another image with the anchor's value of the drawn facet (the anchor itself only where there is none).</summary>
    [JsonStringEnumMemberName("other")] Other,

    /// <summary>Any image with the anchor's value, the anchor included, as the experiment's notebook drew it.</summary>
    [JsonStringEnumMemberName("any")] Any,
}
