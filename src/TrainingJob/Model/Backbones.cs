namespace FaceFunctions.TrainingJob.Model;

/// <summary>The backbones the job offers, by name.</summary>
public static class Backbones
{
    public const string MobileNetV2 = "mobilenet_v2";
    public const string ResNet18 = "resnet18";
    public static readonly string[] Names = [MobileNetV2, ResNet18];

    /// <summary>Where the build copies the ImageNet ResNet18 that Microsoft.ML.DnnImageFeaturizer.ResNet18 ships.</summary>
    public static string PretrainedResNet18Path => Path.Combine(AppContext.BaseDirectory, "pretrained", "resnet18-imagenet.onnx");

    /// <param name="weights">
    /// mobilenet_v2: null trains from scratch, else a TorchSharp state dict of this network (Module.save, e.g. an
    /// earlier run's checkpoint). resnet18: null loads the ImageNet weights, "none" trains from scratch.
    /// </param>
    public static EmbeddingBackbone Create(string name, double widthMultiplier, string? weights) => name switch
    {
        MobileNetV2 => LoadState(new MobileNetV2Embedder(widthMultiplier: widthMultiplier), weights),
        ResNet18 => WithImageNetWeights(new ResNetEmbedder(), weights),
        _ => throw new ArgumentException($"Unknown backbone '{name}': use {string.Join(" or ", Names)}."),
    };

    private static EmbeddingBackbone LoadState(EmbeddingBackbone backbone, string? weights)
    {
        if (weights is not null)
            backbone.load(weights);
        return backbone;
    }

    private static EmbeddingBackbone WithImageNetWeights(ResNetEmbedder backbone, string? weights)
    {
        if (weights is null)
            backbone.LoadPretrained(PretrainedResNet18Path);
        else if (!string.Equals(weights, "none", StringComparison.OrdinalIgnoreCase))
            backbone.load(weights);
        return backbone;
    }
}
