using FaceFunctions.TrainingJob.Export;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>
/// The original experiment's features: a feature map [N, C, H, W] reduced by a median over the width, then over the
/// height (torch.median's: the lower of the two middle values of an even count), then per vector (x - min) / max with
/// negatives set to 0. Serving then makes it unit length, as it does every embedding.
/// </summary>
public static class SpatialMedian
{
    /// <summary>Keeps a map whose values are all 0 (max 0) at 0 rather than 0 / 0.</summary>
    private const float SmallestMax = 1e-12f;

    public static Tensor Of(Tensor map)
    {
        using var scope = NewDisposeScope();
        var overWidth = LowerMedian(map, 3);
        var features = LowerMedian(overWidth, 2);
        var scaled = (features - features.amin([1L], keepdim: true)) / features.amax([1L], keepdim: true).clamp_min(SmallestMax);
        return scaled.relu().MoveToOuterDisposeScope();
    }

    private static Tensor LowerMedian(Tensor values, int dimension) =>
        values.sort(dimension).Values.select(dimension, (values.shape[dimension] - 1) / 2);

    /// <summary>The same in ONNX, which has no median: the lower median of n values is the least of the n - (n - 1) / 2 largest (TopK, ReduceMin).</summary>
    public static string Export(OnnxGraphBuilder graph, string map)
    {
        var features = LowerMedian(graph, LowerMedian(graph, map, 3), 2);
        var least = graph.Node("ReduceMin", [features], OnnxGraphBuilder.Ints("axes", 1), OnnxGraphBuilder.Int("keepdims", 1));
        var most = graph.Node("ReduceMax", [features], OnnxGraphBuilder.Ints("axes", 1), OnnxGraphBuilder.Int("keepdims", 1));
        var scaled = graph.Node("Div", [graph.Node("Sub", [features, least]), graph.Node("Max", [most, graph.Scalar("smallest_max", SmallestMax)])]);
        return graph.Node("Relu", [scaled]);
    }

    private static string LowerMedian(OnnxGraphBuilder graph, string values, long axis)
    {
        // n from the value's shape, so that one graph serves any map size: k = n - (n - 1) / 2, as a 1-d int64 tensor.
        var n = graph.Node("Gather", [graph.Node("Shape", [values]), graph.Int64s("axis_index", axis)], OnnxGraphBuilder.Int("axis", 0));
        var half = graph.Node("Div", [graph.Node("Sub", [n, graph.Int64s("one", 1)]), graph.Int64s("two", 2)]);
        var k = graph.Node("Sub", [n, half]);
        var largest = graph.Node("TopK", [values, k], 2, OnnxGraphBuilder.Int("axis", axis), OnnxGraphBuilder.Int("largest", 1));
        return graph.Node("ReduceMin", [largest], OnnxGraphBuilder.Ints("axes", axis), OnnxGraphBuilder.Int("keepdims", 0));
    }
}
