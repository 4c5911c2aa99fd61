using System.Text.Json.Serialization;

namespace FaceFunctions.TrainingJob.Datasets;

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
