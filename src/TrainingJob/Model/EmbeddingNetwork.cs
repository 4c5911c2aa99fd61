using FaceFunctions.TrainingJob.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>
/// What gets trained and exported: a backbone, optionally a linear head on its pooled features, and the readout that
/// says whether the embedding is the network's output or the experiment's median of the backbone's feature map.
/// </summary>
public sealed class EmbeddingNetwork : Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly EmbeddingBackbone backbone;
    private readonly Linear? head;

    public EmbeddingNetwork(EmbeddingBackbone backbone, int? headDimensions, EmbeddingRule? embedding = null)
        : base("embedding_network")
    {
        this.backbone = backbone;
        if (headDimensions is { } d)
            head = Linear(backbone.Dimensions, d);
        Embedding = embedding ?? new EmbeddingRule();
        OutputDimensions = headDimensions ?? backbone.Dimensions;
        Dimensions = Readout == EmbeddingReadout.NetworkOutput ? OutputDimensions : backbone.Dimensions;
        RegisterComponents();
        foreach (var layer in backbone.modules().OfType<ConvBnActivation>())
            layer.EmbedsWithImageStatistics = Embedding.Norm == EmbeddingNorm.PerImage;
    }

    public EmbeddingBackbone Backbone => backbone;
    public EmbeddingRule Embedding { get; }
    public EmbeddingReadout Readout => Embedding.Readout;

    /// <summary>Length of <see cref="forward"/>'s output, on which the loss acts.</summary>
    public int OutputDimensions { get; }

    /// <summary>Length of the embedding (<see cref="Embed"/>), which the index stores.</summary>
    public int Dimensions { get; }

    /// <summary>The output the loss acts on: the head's, else the pooled features.</summary>
    public override Tensor forward(Tensor input)
    {
        if (head is null) return backbone.forward(input);
        using var features = backbone.forward(input);
        return head.forward(features);
    }

    /// <summary>The embedding the ONNX file computes (before serving makes it non-negative and unit length).</summary>
    public Tensor Embed(Tensor input)
    {
        if (Readout == EmbeddingReadout.NetworkOutput) return forward(input);
        using var map = backbone.FeatureMap(input);
        return SpatialMedian.Of(map, Embedding.Median);
    }

    public string ExportTo(OnnxGraphBuilder graph, string input)
    {
        if (Readout == EmbeddingReadout.FeatureMapMedian)
            return SpatialMedian.Export(graph, backbone.ExportFeatureMap(graph, input), Embedding.Median);
        var features = backbone.ExportTo(graph, input);
        return head is null ? features
            : graph.Node("Gemm", [features, graph.Initializer("head_w", head.weight!), graph.Initializer("head_b", head.bias!)],
                OnnxGraphBuilder.Int("transB", 1));
    }
}
