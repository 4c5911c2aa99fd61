using System.Text.Json.Serialization;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>The networks the training job offers.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Backbone>))]
public enum Backbone
{
    /// <summary>The experiment's MobileNetV2, from scratch or from torchvision's weights.</summary>
    [JsonStringEnumMemberName("mobilenet_v2")] MobileNetV2,
    /// <summary>ResNet18 on ImageNet weights.</summary>
    [JsonStringEnumMemberName("resnet18")] ResNet18,
}
