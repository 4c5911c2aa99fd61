using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using FaceFunctions.TrainingJob.Export;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>
/// ResNet with basic blocks ending in global average pooling (512-d). The stage layout follows the ImageNet ResNet18
/// that the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 ships as ONNX ([2, 2, 2, 3] blocks, a CNTK
/// export), so that its weights load in graph order (../shared/FINDINGS.md).
/// </summary>
public sealed class ResNetEmbedder : EmbeddingBackbone
{
    public static readonly int[] PretrainedLayout = [2, 2, 2, 3];
    private static readonly int[] Channels = [64, 128, 256, 512];

    private readonly ConvBnActivation stem;
    private readonly Sequential stages;

    public ResNetEmbedder(string name = "resnet18") : base(name)
    {
        stem = new ConvBnActivation("stem", 3, 64, 7, stride: 2, activation: Activation.Relu);
        var blocks = new List<(string, Module<Tensor, Tensor>)>();
        long channels = 64;
        for (var s = 0; s < PretrainedLayout.Length; s++)
        for (var b = 0; b < PretrainedLayout[s]; b++)
        {
            blocks.Add(($"stage{s}_block{b}", new BasicBlock($"stage{s}_block{b}", channels, Channels[s], s > 0 && b == 0 ? 2 : 1)));
            channels = Channels[s];
        }
        stages = Sequential(blocks);
        RegisterComponents();
    }

    public override int Dimensions => 512;

    /// <summary>The pretrained weights expect 0-255 values minus the channel means (the stem is flipped to RGB on load).</summary>
    public override Preprocessing Preprocessing(int imageSize) => new()
    {
        ImageSize = imageSize,
        Mean = [123.2f / 255f, 115.9f / 255f, 103.1f / 255f],
        Std = [1f / 255f, 1f / 255f, 1f / 255f],
    };

    public override Tensor FeatureMap(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = functional.max_pool2d(stem.forward(input), 3, 2, 1);
        return stages.forward(x).MoveToOuterDisposeScope();
    }

    protected override IReadOnlyList<IReadOnlyList<Module>> StagesFromInput() =>
        Split([stem, .. stages.children()], [1, .. PretrainedLayout]);

    public override string ExportFeatureMap(OnnxGraphBuilder graph, string input)
    {
        var x = graph.Node("MaxPool", [stem.ExportTo(graph, input)],
            OnnxGraphBuilder.Ints("kernel_shape", 3, 3), OnnxGraphBuilder.Ints("strides", 2, 2), OnnxGraphBuilder.Ints("pads", 1, 1, 1, 1));
        foreach (var block in stages.children())
            x = ((IOnnxExportable)block).ExportTo(graph, x);
        return x;
    }

    /// <summary>
    /// Loads the ImageNet weights from the package's ONNX file: every Conv node's kernel and the BatchNormalization
    /// after it, in graph order. The stem's input channels are reversed, since that network reads BGR.
    /// </summary>
    public void LoadPretrained(string onnxPath)
    {
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnxPath)).Graph;
        var weights = graph.Initializer.ToDictionary(t => t.Name);
        Tensor Weight(string name) => OnnxInitializers.Read(weights[name], onnxPath);
        var convolutions = graph.Node.Where(n => n.OpType == "Conv").ToList();
        var norms = graph.Node.Where(n => n.OpType == "BatchNormalization").ToList();
        var targets = new[] { stem }.Concat(stages.children().Cast<BasicBlock>().SelectMany(b => b.ConvolutionsInGraphOrder())).ToList();
        if (convolutions.Count != targets.Count || norms.Count != targets.Count)
            throw new InvalidDataException($"{onnxPath} has {convolutions.Count} convolutions; this ResNet has {targets.Count}.");
        for (var i = 0; i < targets.Count; i++)
        {
            using var kernel = Weight(convolutions[i].Input[1]);
            using var rgbKernel = i == 0 ? kernel.flip(1) : kernel.alias();
            var bn = norms[i].Input;
            using var scale = Weight(bn[1]);
            using var shift = Weight(bn[2]);
            using var mean = Weight(bn[3]);
            using var variance = Weight(bn[4]);
            targets[i].LoadWeights(rgbKernel, scale, shift, mean, variance);
        }
    }
}
