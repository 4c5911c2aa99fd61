using FaceFunctions.Artifacts;
using TorchSharp;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>
/// A backbone as the registry knows it: how to build it (width multiplier, weights) and how many of its stages keep
/// their weights unless asked otherwise. Each network gives its own preprocessing (<see cref="EmbeddingBackbone.Preprocessing"/>).
/// </summary>
/// <param name="Weights">What the weights option means for it, for help and errors.</param>
/// <param name="NoWeights">The weights option that starts it at random (before a checkpoint's weights replace them).</param>
public sealed record BackboneEntry(Backbone Kind, Func<double, string?, EmbeddingBackbone> Create, Func<string?, int> DefaultFrozenStages, string Weights,
    string? NoWeights);

/// <summary>The registry of backbones.</summary>
public static class Backbones
{
    /// <summary>Where the build copies the ImageNet ResNet18 that Microsoft.ML.DnnImageFeaturizer.ResNet18 ships.</summary>
    public static string PretrainedResNet18Path => Path.Combine(AppContext.BaseDirectory, "pretrained", "resnet18-imagenet.onnx");

    /// <summary>
    /// Frozen stages by default: two (the stem and the first blocks) on ImageNet's resnet18, whose early edges and
    /// textures a few hundred images can only wear down, and which then spends no backward pass on them (about a fifth
    /// of the training time); none on weights that start at random or come from the user, whose early layers nothing
    /// has measured.
    /// </summary>
    public static readonly IReadOnlyDictionary<Backbone, BackboneEntry> Registry = new Dictionary<Backbone, BackboneEntry>
    {
        [Backbone.MobileNetV2] = new(Backbone.MobileNetV2,
            (width, weights) => LoadMobileNetV2(new MobileNetV2Embedder(widthMultiplier: width), weights), _ => 0,
            "null trains from scratch; a .pt/.pth file is a PyTorch state dict of torchvision's mobilenet_v2 " +
            "(torch.save(model.state_dict()), such as ImageNet's mobilenet_v2-b0353104.pth); an .onnx file a quantised ONNX MobileNetV2 " +
            "with BatchNorm folded (../shared/weights/mobilenetv2-7.quant.onnx); any other file a TorchSharp state dict of this network (Module.save)",
            NoWeights: null),
        [Backbone.ResNet18] = new(Backbone.ResNet18,
            (_, weights) => WithImageNetWeights(new ResNetEmbedder(), weights), weights => weights is null ? 2 : 0,
            "null loads the ImageNet weights, \"none\" trains from scratch, a file is a TorchSharp state dict", NoWeights: "none"),
    };

    public static int DefaultFrozenStages(Backbone backbone, string? weights) => Registry[backbone].DefaultFrozenStages(weights);

    /// <param name="weights">See <see cref="BackboneEntry.Weights"/>.</param>
    public static EmbeddingBackbone Create(Backbone backbone, double widthMultiplier, string? weights) =>
        Registry[backbone].Create(widthMultiplier, weights);

    /// <summary>The network a checkpoint was saved from, with its weights (<see cref="Training.Checkpoint.NetworkFile"/>).</summary>
    public static EmbeddingNetwork FromCheckpoint(string folder, Backbone backbone, double widthMultiplier, int? headDimensions, EmbeddingRule embedding)
    {
        var network = new EmbeddingNetwork(Create(backbone, widthMultiplier, Registry[backbone].NoWeights), headDimensions, embedding);
        network.load(Path.Combine(folder, Training.Checkpoint.NetworkFile));
        return network;
    }

    private static EmbeddingBackbone LoadMobileNetV2(MobileNetV2Embedder backbone, string? weights)
    {
        if (weights is null)
            return backbone;
        WeightFiles.Verify(weights);
        if (Path.GetExtension(weights).Equals(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            QuantizedOnnxWeights.LoadInto(backbone, weights);
            return backbone;
        }
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
