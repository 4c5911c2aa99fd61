using FaceFunctions.TrainingJob.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceFunctions.TrainingJob.Model;

public enum Activation { None, Relu, Relu6 }

/// <summary>Convolution (no bias), batch normalisation, then an activation (MobileNetV2: ReLU6, ResNet: ReLU).</summary>
public sealed class ConvBnActivation : Module<Tensor, Tensor>, IOnnxExportable
{
    private const double Epsilon = 1e-5;
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;
    private readonly long _kernel, _stride, _padding, _groups;
    private readonly Activation _activation;

    public ConvBnActivation(string name, long inChannels, long outChannels, long kernel, long stride = 1, long groups = 1,
        Activation activation = Activation.Relu6)
        : base(name)
    {
        (_kernel, _stride, _padding, _groups, _activation) = (kernel, stride, (kernel - 1) / 2, groups, activation);
        conv = Conv2d(inChannels, outChannels, kernel, stride: stride, padding: _padding, groups: groups, bias: false);
        bn = BatchNorm2d(outChannels, eps: Epsilon);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var convolved = conv.forward(input);
        var normalised = bn.forward(convolved);
        if (_activation == Activation.None) return normalised;
        using (normalised)
            return _activation == Activation.Relu ? functional.relu(normalised) : functional.relu6(normalised);
    }

    /// <summary>Copies pretrained weights in: the convolution's kernel and the normalisation's scale, shift and statistics.</summary>
    public void LoadWeights(Tensor kernel, Tensor scale, Tensor shift, Tensor mean, Tensor variance)
    {
        using var _ = no_grad();
        conv.weight!.copy_(kernel);
        bn.weight!.copy_(scale);
        bn.bias!.copy_(shift);
        bn.running_mean!.copy_(mean);
        bn.running_var!.copy_(variance);
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
        return _activation switch
        {
            Activation.Relu => graph.Node("Relu", [x]),
            Activation.Relu6 => graph.Node("Clip", [x, graph.Scalar("zero", 0f), graph.Scalar("six", 6f)]),
            _ => x,
        };
    }
}
