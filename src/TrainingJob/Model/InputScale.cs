using System.Text.Json.Serialization;
using FaceFunctions.Artifacts;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>What the network's input values are: recorded in preprocessing.json, so serving scales as training did.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InputScale>))]
public enum InputScale
{
    /// <summary>The backbone's own normalisation (ImageNet's mean and deviation for mobilenet_v2 and resnet18).</summary>
    [JsonStringEnumMemberName("backbone")] Backbone,

    /// <summary>Pixel values in [0, 1], nothing subtracted: torchvision's ToTensor() with no Normalize, as the experiment's notebook fed its network.</summary>
    [JsonStringEnumMemberName("unit")] Unit,
}

public static class InputScales
{
    /// <summary><paramref name="preprocessing"/> with this scale's mean and deviation.</summary>
    public static Preprocessing Apply(this InputScale scale, Preprocessing preprocessing) =>
        scale == InputScale.Unit ? preprocessing with { Mean = [0f, 0f, 0f], Std = [1f, 1f, 1f] } : preprocessing;
}
