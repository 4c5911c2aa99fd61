using FaceFunctions.TrainingJob.Export;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>
/// The original experiment's features: a feature map [N, C, H, W] reduced by a median over each spatial axis, as the
/// <see cref="MedianRule"/> says (torch's lower median over the width, then the height; or numpy's, the mean of the
/// two middle values, over the height, then the width), then per vector (x - min) / max with negatives set to 0.
/// Serving then makes it unit length, as it does every embedding.
/// </summary>
public static class SpatialMedian
{
    /// <summary>Keeps a map whose values are all 0 (max 0) at 0 rather than 0 / 0.</summary>
    private const float SmallestMax = 1e-12f;

    /// <summary>The axes of [N, C, H, W] the rule reduces, in order: after the first, the remaining one is axis 2 either way.</summary>
    private static (int First, int Second) Axes(MedianRule rule) => rule == MedianRule.Lower ? (3, 2) : (2, 2);

    public static Tensor Of(Tensor map, MedianRule rule = MedianRule.Lower)
    {
        using var scope = NewDisposeScope();
        var (first, second) = Axes(rule);
        var features = Median(Median(map, first, rule), second, rule);
        var scaled = (features - features.amin([1L], keepdim: true)) / features.amax([1L], keepdim: true).clamp_min(SmallestMax);
        return scaled.relu().MoveToOuterDisposeScope();
    }

    /// <summary>The median along <paramref name="dimension"/>: of the sorted values v, v[(n - 1) / 2] (lower) or its mean with v[n / 2] (numpy).</summary>
    private static Tensor Median(Tensor values, int dimension, MedianRule rule)
    {
        var sorted = values.sort(dimension).Values;
        var n = values.shape[dimension];
        var lower = sorted.select(dimension, (n - 1) / 2);
        return rule == MedianRule.Lower ? lower : (lower + sorted.select(dimension, n / 2)) / 2;
    }

    /// <summary>The same in ONNX, which has no median: v[m] of n sorted values is the least of the n - m largest (TopK, ReduceMin).</summary>
    public static string Export(OnnxGraphBuilder graph, string map, MedianRule rule = MedianRule.Lower)
    {
        var (first, second) = Axes(rule);
        var features = Median(graph, Median(graph, map, first, rule), second, rule);
        var least = graph.Node("ReduceMin", [features], OnnxGraphBuilder.Ints("axes", 1), OnnxGraphBuilder.Int("keepdims", 1));
        var most = graph.Node("ReduceMax", [features], OnnxGraphBuilder.Ints("axes", 1), OnnxGraphBuilder.Int("keepdims", 1));
        var scaled = graph.Node("Div", [graph.Node("Sub", [features, least]), graph.Node("Max", [most, graph.Scalar("smallest_max", SmallestMax)])]);
        return graph.Node("Relu", [scaled]);
    }

    private static string Median(OnnxGraphBuilder graph, string values, long axis, MedianRule rule)
    {
        // n from the value's shape, so that one graph serves any map size, as a 1-d int64 tensor.
        var n = graph.Node("Gather", [graph.Node("Shape", [values]), graph.Int64s("axis_index", axis)], OnnxGraphBuilder.Int("axis", 0));
        var lower = Sorted(graph, values, axis, n, graph.Node("Div", [graph.Node("Sub", [n, graph.Int64s("one", 1)]), graph.Int64s("two", 2)]));
        if (rule == MedianRule.Lower) return lower;
        var upper = Sorted(graph, values, axis, n, graph.Node("Div", [n, graph.Int64s("two", 2)]));
        return graph.Node("Div", [graph.Node("Add", [lower, upper]), graph.Scalar("two", 2f)]);
    }

    /// <summary>v[m] of the values sorted along <paramref name="axis"/>: the least of the n - m largest.</summary>
    private static string Sorted(OnnxGraphBuilder graph, string values, long axis, string n, string m)
    {
        var largest = graph.Node("TopK", [values, graph.Node("Sub", [n, m])], 2, OnnxGraphBuilder.Int("axis", axis), OnnxGraphBuilder.Int("largest", 1));
        return graph.Node("ReduceMin", [largest], OnnxGraphBuilder.Ints("axes", axis), OnnxGraphBuilder.Int("keepdims", 0));
    }
}
