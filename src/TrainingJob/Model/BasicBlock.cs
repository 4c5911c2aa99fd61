using FaceFunctions.TrainingJob.Export;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>ResNet's basic block: two 3x3 convolutions and a shortcut (a strided 1x1 projection when the shape changes).</summary>
public sealed class BasicBlock : Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly ConvBnActivation conv1;
    private readonly ConvBnActivation conv2;
    private readonly ConvBnActivation? downsample;

    public BasicBlock(string name, long inChannels, long outChannels, long stride) : base(name)
    {
        conv1 = new ConvBnActivation("conv1", inChannels, outChannels, 3, stride, activation: Activation.Relu);
        conv2 = new ConvBnActivation("conv2", outChannels, outChannels, 3, activation: Activation.None);
        if (stride != 1 || inChannels != outChannels)
            downsample = new ConvBnActivation("downsample", inChannels, outChannels, 1, stride, activation: Activation.None);
        RegisterComponents();
    }

    /// <summary>The convolutions in the order the pretrained ONNX graph lists them: the projection first.</summary>
    public IEnumerable<ConvBnActivation> ConvolutionsInGraphOrder() =>
        downsample is null ? [conv1, conv2] : [downsample, conv1, conv2];

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var shortcut = downsample?.forward(input) ?? input;
        return functional.relu(conv2.forward(conv1.forward(input)) + shortcut).MoveToOuterDisposeScope();
    }

    public string ExportTo(OnnxGraphBuilder graph, string input)
    {
        var shortcut = downsample?.ExportTo(graph, input) ?? input;
        var x = conv2.ExportTo(graph, conv1.ExportTo(graph, input));
        return graph.Node("Relu", [graph.Node("Add", [x, shortcut])]);
    }
}
