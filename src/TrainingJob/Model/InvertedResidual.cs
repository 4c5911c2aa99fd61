using FaceFunctions.TrainingJob.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>MobileNetV2's block: 1x1 expansion, 3x3 depthwise, 1x1 linear projection, a shortcut when shapes allow.</summary>
public sealed class InvertedResidual : Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly Sequential block;
    private readonly bool _shortcut;

    public InvertedResidual(string name, long inChannels, long outChannels, long stride, long expansion) : base(name)
    {
        var hidden = inChannels * expansion;
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        if (expansion != 1)
            layers.Add(("expand", new ConvBnActivation("expand", inChannels, hidden, 1)));
        layers.Add(("depthwise", new ConvBnActivation("depthwise", hidden, hidden, 3, stride, groups: hidden)));
        layers.Add(("project", new ConvBnActivation("project", hidden, outChannels, 1, activation: Activation.None)));
        block = Sequential(layers);
        _shortcut = stride == 1 && inChannels == outChannels;
        RegisterComponents();
    }

    /// <summary>Its convolutions from the input on: [expansion], depthwise, projection.</summary>
    public IEnumerable<ConvBnActivation> Layers => block.children().Cast<ConvBnActivation>();

    public override Tensor forward(Tensor input)
    {
        var output = block.forward(input);
        if (!_shortcut) return output;
        using (output)
            return output.add(input);
    }

    public string ExportTo(OnnxGraphBuilder graph, string input)
    {
        var x = input;
        foreach (var layer in block.children())
            x = ((IOnnxExportable)layer).ExportTo(graph, x);
        return _shortcut ? graph.Node("Add", [x, input]) : x;
    }
}
