using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using FaceFunctions.TrainingJob.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>
/// MobileNetV2 (Sandler et al. 2018), the original experiment's network, ending in global average pooling: the pooled
/// 1280-d features are the embedding (ReLU6 outputs, so already non-negative).
/// </summary>
public sealed class MobileNetV2Embedder : EmbeddingBackbone
{
    // (expansion, output channels, repeats, first stride) per stage, as in the paper.
    private static readonly (int T, int C, int N, int S)[] PaperStages =
        [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];

    private readonly Sequential features;
    private readonly List<int> _expansions = [];

    public MobileNetV2Embedder(string name = "mobilenet_v2", double widthMultiplier = 1.0) : base(name)
    {
        long Width(int channels) => Math.Max(8, (long)Math.Round(channels * widthMultiplier / 8) * 8);
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        long channels = Width(32);
        layers.Add(("stem", new ConvBnActivation("stem", 3, channels, 3, stride: 2)));
        var index = 0;
        foreach (var (t, c, n, s) in PaperStages)
        {
            for (var i = 0; i < n; i++)
            {
                var output = Width(c);
                layers.Add(($"block{index}", new InvertedResidual($"block{index}", channels, output, i == 0 ? s : 1, t)));
                _expansions.Add(t);
                channels = output;
                index++;
            }
        }
        Dimensions = (int)Math.Max(1280, Width(1280));
        layers.Add(("head", new ConvBnActivation("head", channels, Dimensions, 1)));
        features = Sequential(layers);
        RegisterComponents();
    }

    public override int Dimensions { get; }

    /// <summary>Every convolution from the input on, in the order the layers run.</summary>
    public IReadOnlyList<ConvBnActivation> Convolutions =>
        features.children().SelectMany(layer => layer is InvertedResidual block ? block.Layers : [(ConvBnActivation)layer]).ToList();

    /// <summary>Whether block <paramref name="index"/> has a 1x1 expansion layer (expansion factor above 1).</summary>
    public bool Expands(int index) => _expansions[index] != 1;

    /// <summary>ImageNet's mean and deviation, as torchvision trains MobileNetV2.</summary>
    public override Preprocessing Preprocessing(int imageSize) => new() { ImageSize = imageSize };

    public override Tensor FeatureMap(Tensor input) => features.forward(input);

    /// <summary>The stem, the paper's seven stages of blocks, and the 1x1 head.</summary>
    protected override IReadOnlyList<IReadOnlyList<Module>> StagesFromInput() =>
        Split(features.children(), [1, .. PaperStages.Select(stage => stage.N), 1]);

    public override string ExportFeatureMap(OnnxGraphBuilder graph, string input)
    {
        var x = input;
        foreach (var layer in features.children())
            x = ((IOnnxExportable)layer).ExportTo(graph, x);
        return x;
    }
}
