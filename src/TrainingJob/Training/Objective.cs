using System.Text.Json.Serialization;

namespace FaceFunctions.TrainingJob.Training;

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
