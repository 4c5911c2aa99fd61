using Xunit;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// The quantised ImageNet MobileNetV2 that stands in for torchvision's weights (../shared/weights/README.md): the file
/// FACEFUNCTIONS_WEIGHTS names, else ../shared/weights/mobilenetv2-7.quant.onnx beside the checkout. Weights never go
/// into the repository.
/// </summary>
public static class StandInWeights
{
    public const string Setting = "FACEFUNCTIONS_WEIGHTS";

    public static string File => BesideCheckout.Path(Setting, "weights", "mobilenetv2-7.quant.onnx");

    /// <summary>Why a test on them is skipped; null when they are there.</summary>
    public static string? Absent => System.IO.File.Exists(File) ? null : $"The stand-in weights are not at {File}: set {Setting} to the file.";
}

/// <summary>A fact on the stand-in weights: reported skipped, with the reason, where they are absent; never passed.</summary>
public sealed class StandInWeightsFactAttribute : FactAttribute
{
    public StandInWeightsFactAttribute() => Skip = StandInWeights.Absent;
}
