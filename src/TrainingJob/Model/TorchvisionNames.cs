using System.Text.RegularExpressions;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>
/// The names torchvision's mobilenet_v2 gives in a PyTorch state dict to the weights of <see cref="MobileNetV2Embedder"/>
/// (same layers, same order; torchvision numbers them): so a `torch.save(model.state_dict())` of torchvision's network
/// loads into ours. Its classifier has no counterpart here and is not read.
/// </summary>
public static partial class TorchvisionNames
{
    [GeneratedRegex(@"^features\.block(?<block>\d+)\.block\.(?<layer>expand|depthwise|project)\.(?<part>conv|bn)\.(?<name>.+)$")]
    private static partial Regex BlockKey();

    [GeneratedRegex(@"^features\.(?<layer>stem|head)\.(?<part>conv|bn)\.(?<name>.+)$")]
    private static partial Regex EndKey();

    /// <summary>torchvision's name for one of our state-dict keys; null for a key it has no counterpart for.</summary>
    /// <param name="expands">Whether our block <c>block</c> has an expansion layer (all but the first).</param>
    public static string? MobileNetV2(string key, Func<int, bool> expands)
    {
        var end = EndKey().Match(key);
        if (end.Success)
            return $"features.{(end.Groups["layer"].Value == "stem" ? 0 : 18)}.{(end.Groups["part"].Value == "conv" ? 0 : 1)}.{end.Groups["name"].Value}";
        var block = BlockKey().Match(key);
        if (!block.Success) return null;
        var index = int.Parse(block.Groups["block"].Value);
        var (layer, part, name) = (block.Groups["layer"].Value, block.Groups["part"].Value, block.Groups["name"].Value);
        // torchvision: [expand ConvBNReLU], depthwise ConvBNReLU, project Conv2d, project BatchNorm2d.
        var offset = expands(index) ? 1 : 0;
        var position = layer switch
        {
            "expand" => "0." + (part == "conv" ? "0" : "1"),
            "depthwise" => $"{offset}." + (part == "conv" ? "0" : "1"),
            _ => (offset + (part == "conv" ? 1 : 2)).ToString(),
        };
        return $"features.{index + 1}.conv.{position}.{name}";
    }
}
