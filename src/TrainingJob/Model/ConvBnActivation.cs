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

    /// <summary>The convolution's kernel shape: [out, in / groups, k, k].</summary>
    public long[] KernelShape => conv.weight!.shape;

    /// <summary>Loaded folded (<see cref="LoadFolded"/>) and not yet given statistics: the next forward gives them.</summary>
    public bool Folded { get; private set; }

    /// <summary>
    /// Out of training, normalise each image by its own statistics rather than the running averages
    /// (<see cref="EmbeddingNorm.PerImage"/>); in training, batches normalise as ever.
    /// </summary>
    public bool EmbedsWithImageStatistics { get; set; }

    public override Tensor forward(Tensor input)
    {
        if (Folded)
            SpreadFolded(input);
        using var convolved = conv.forward(input);
        var normalised = EmbedsWithImageStatistics && !training ? ByImageStatistics(convolved) : bn.forward(convolved);
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

    /// <summary>
    /// Copies in a convolution whose BatchNorm was folded into it (kernel and bias, as quantised ONNX files carry them):
    /// the normalisation starts as identity plus the bias, so that the layer computes what the folded one does, and
    /// the first input it sees gives it statistics (<see cref="SpreadFolded"/>).
    /// </summary>
    public void LoadFolded(Tensor kernel, Tensor bias)
    {
        using var _ = no_grad();
        conv.weight!.copy_(kernel);
        bn.weight!.fill_(1);
        bn.bias!.copy_(bias);
        bn.running_mean!.zero_();
        bn.running_var!.fill_(1 - Epsilon); // (x - 0) / sqrt(1 - eps + eps) = x
        Folded = true;
    }

    /// <summary>
    /// Gives a folded layer the statistics of its convolution's outputs on <paramref name="input"/> as running mean and
    /// variance, and a scale and shift that undo them: in evaluation mode it computes exactly what it did, and in
    /// training mode, where BatchNorm normalises by each batch, it starts near it instead of at unit variance, which
    /// would throw away the scale of every channel the pretrained network had learned.
    /// </summary>
    private void SpreadFolded(Tensor input)
    {
        Folded = false;
        using var _ = no_grad();
        using var convolved = conv.forward(input);
        var (variance, mean) = var_mean(convolved, [0L, 2L, 3L], unbiased: false);
        using (variance)
        using (mean)
        {
            bn.bias!.add_(mean);
            bn.running_mean!.copy_(mean);
            bn.running_var!.copy_(variance);
            bn.weight!.copy_((variance + Epsilon).sqrt());
        }
    }

    /// <summary>What BatchNorm in training mode computes for a batch of one image (biased variance), image by image.</summary>
    private Tensor ByImageStatistics(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (variance, mean) = var_mean(x, [2L, 3L], unbiased: false, keepdim: true);
        var shape = new long[] { 1, -1, 1, 1 };
        return ((x - mean) / (variance + Epsilon).sqrt() * bn.weight!.view(shape) + bn.bias!.view(shape)).MoveToOuterDisposeScope();
    }

    public string ExportTo(OnnxGraphBuilder graph, string input)
    {
        var x = graph.Node("Conv", [input, graph.Initializer("conv_w", conv.weight!)],
            OnnxGraphBuilder.Ints("kernel_shape", _kernel, _kernel),
            OnnxGraphBuilder.Ints("strides", _stride, _stride),
            OnnxGraphBuilder.Ints("pads", _padding, _padding, _padding, _padding),
            OnnxGraphBuilder.Int("group", _groups));
        x = EmbedsWithImageStatistics
            ? graph.Node("InstanceNormalization", [x, graph.Initializer("bn_scale", bn.weight!), graph.Initializer("bn_bias", bn.bias!)],
                OnnxGraphBuilder.Float("epsilon", (float)Epsilon))
            : graph.Node("BatchNormalization",
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
