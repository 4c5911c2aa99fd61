using TorchSharp;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>The backbones the job offers, by name.</summary>
public static class Backbones
{
    public const string MobileNetV2 = "mobilenet_v2";
    public const string ResNet18 = "resnet18";
    public static readonly string[] Names = [MobileNetV2, ResNet18];

    /// <summary>Where the build copies the ImageNet ResNet18 that Microsoft.ML.DnnImageFeaturizer.ResNet18 ships.</summary>
    public static string PretrainedResNet18Path => Path.Combine(AppContext.BaseDirectory, "pretrained", "resnet18-imagenet.onnx");

    /// <summary>
    /// How many stages from the input keep their weights unless asked otherwise: two (the stem and the first blocks)
    /// on ImageNet's resnet18, whose early edges and textures a few hundred images can only wear down, and which then
    /// spends no backward pass on them (about a fifth of the training time); none on weights that start at random or
    /// come from the user, whose early layers nothing has measured.
    /// </summary>
    public static int DefaultFrozenStages(string name, string? weights) => name == ResNet18 && weights is null ? 2 : 0;

    /// <param name="weights">
    /// mobilenet_v2: null trains from scratch; a .pt/.pth file is a PyTorch state dict of torchvision's mobilenet_v2
    /// (torch.save(model.state_dict())); any other file a TorchSharp state dict of this network (Module.save, e.g.
    /// an earlier run's checkpoint). resnet18: null loads the ImageNet weights, "none" trains from scratch.
    /// </param>
    public static EmbeddingBackbone Create(string name, double widthMultiplier, string? weights) => name switch
    {
        MobileNetV2 => LoadMobileNetV2(new MobileNetV2Embedder(widthMultiplier: widthMultiplier), weights),
        ResNet18 => WithImageNetWeights(new ResNetEmbedder(), weights),
        _ => throw new ArgumentException($"Unknown backbone '{name}': use {string.Join(" or ", Names)}."),
    };

    private static EmbeddingBackbone LoadMobileNetV2(MobileNetV2Embedder backbone, string? weights)
    {
        if (weights is null)
            return backbone;
        if (!PyTorchFile(weights))
        {
            backbone.load(weights);
            return backbone;
        }
        var theirs = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(weights);
        var ours = new Dictionary<string, torch.Tensor>();
        var missing = new List<string>();
        foreach (var (key, tensor) in backbone.state_dict())
        {
            var name = TorchvisionNames.MobileNetV2(key, backbone.Expands);
            if (name is not null && theirs[name] is torch.Tensor value && value.shape.SequenceEqual(tensor.shape))
                ours[key] = value;
            else
                missing.Add($"{name ?? key} {string.Join('x', tensor.shape)}");
        }
        if (missing.Count > 0)
            throw new ArgumentException($"{weights} is not a torchvision mobilenet_v2 state dict of this width: " +
                                        $"{missing.Count} weights missing or of another shape, e.g. {missing[0]}.");
        backbone.load_state_dict(ours);
        return backbone;
    }

    private static bool PyTorchFile(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".pt" or ".pth";

    private static EmbeddingBackbone WithImageNetWeights(ResNetEmbedder backbone, string? weights)
    {
        if (weights is null)
            backbone.LoadPretrained(PretrainedResNet18Path);
        else if (!string.Equals(weights, "none", StringComparison.OrdinalIgnoreCase))
            backbone.load(weights);
        return backbone;
    }
}
