using FaceFunctions.TrainingJob.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>Convolution (no bias), batch normalisation, then ReLU6 unless <paramref name="activate"/> is false.</summary>
public sealed class ConvBnActivation : Module<Tensor, Tensor>, IOnnxExportable
{
    private const double Epsilon = 1e-5;
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;
    private readonly long _kernel, _stride, _padding, _groups;
    private readonly bool _activate;

    public ConvBnActivation(string name, long inChannels, long outChannels, long kernel, long stride = 1, long groups = 1, bool activate = true)
        : base(name)
    {
        (_kernel, _stride, _padding, _groups, _activate) = (kernel, stride, (kernel - 1) / 2, groups, activate);
        conv = Conv2d(inChannels, outChannels, kernel, stride: stride, padding: _padding, groups: groups, bias: false);
        bn = BatchNorm2d(outChannels, eps: Epsilon);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var convolved = conv.forward(input);
        var normalised = bn.forward(convolved);
        if (!_activate) return normalised;
        using (normalised)
            return functional.relu6(normalised);
    }

    public string ExportTo(OnnxGraphBuilder graph, string input)
    {
        var x = graph.Node("Conv", [input, graph.Initializer("conv_w", conv.weight!)],
            OnnxGraphBuilder.Ints("kernel_shape", _kernel, _kernel),
            OnnxGraphBuilder.Ints("strides", _stride, _stride),
            OnnxGraphBuilder.Ints("pads", _padding, _padding, _padding, _padding),
            OnnxGraphBuilder.Int("group", _groups));
        x = graph.Node("BatchNormalization",
            [x, graph.Initializer("bn_scale", bn.weight!), graph.Initializer("bn_bias", bn.bias!),
             graph.Initializer("bn_mean", bn.running_mean!), graph.Initializer("bn_var", bn.running_var!)],
            OnnxGraphBuilder.Float("epsilon", (float)Epsilon));
        return _activate ? graph.Node("Clip", [x, graph.Scalar("zero", 0f), graph.Scalar("six", 6f)]) : x;
    }
}
