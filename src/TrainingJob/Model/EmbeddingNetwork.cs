using FaceFunctions.TrainingJob.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>What gets trained and exported: a backbone, and optionally a linear projection head whose output is the embedding.</summary>
public sealed class EmbeddingNetwork : Module<Tensor, Tensor>, IOnnxExportable
{
    private readonly EmbeddingBackbone backbone;
    private readonly Linear? head;

    public EmbeddingNetwork(EmbeddingBackbone backbone, int? headDimensions) : base("embedding_network")
    {
        this.backbone = backbone;
        if (headDimensions is { } d)
            head = Linear(backbone.Dimensions, d);
        Dimensions = headDimensions ?? backbone.Dimensions;
        RegisterComponents();
    }

    public EmbeddingBackbone Backbone => backbone;
    public int Dimensions { get; }

    public override Tensor forward(Tensor input)
    {
        if (head is null) return backbone.forward(input);
        using var features = backbone.forward(input);
        return head.forward(features);
    }

    public string ExportTo(OnnxGraphBuilder graph, string input)
    {
        var features = backbone.ExportTo(graph, input);
        return head is null ? features
            : graph.Node("Gemm", [features, graph.Initializer("head_w", head.weight!), graph.Initializer("head_b", head.bias!)],
                OnnxGraphBuilder.Int("transB", 1));
    }
}
