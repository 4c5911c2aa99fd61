using Onnx;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>
/// Reads a quantised ONNX MobileNetV2 (the ONNX model zoo's, quantised by ONNX Runtime: ../shared/weights/README.md)
/// into <see cref="MobileNetV2Embedder"/>: each Conv node's kernel and bias come through DequantizeLinear nodes
/// (value = (q - zero point) x scale) with BatchNorm folded in, and load in graph order, which is the network's layer
/// order; every shape must match. The classifier (Gemm) has no counterpart here and is not read.
/// </summary>
public static class QuantizedOnnxWeights
{
    public static void LoadInto(MobileNetV2Embedder backbone, string path)
    {
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (Output: o, Node: n))).ToDictionary(p => p.Output, p => p.Node);
        var convolutions = graph.Node.Where(n => n.OpType == "Conv").ToList();
        var layers = backbone.Convolutions;
        if (convolutions.Count != layers.Count)
            throw new ArgumentException($"{path} has {convolutions.Count} convolutions; mobilenet_v2 at this width has {layers.Count}.");
        for (var i = 0; i < layers.Count; i++)
        {
            if (convolutions[i].Input.Count < 3)
                throw new ArgumentException($"{path}: convolution {convolutions[i].Name} has no bias, so no folded BatchNorm.");
            using var kernel = Dequantised(convolutions[i].Input[1], initializers, producers, path);
            using var bias = Dequantised(convolutions[i].Input[2], initializers, producers, path);
            var expected = layers[i].KernelShape;
            if (!kernel.shape.SequenceEqual(expected) || bias.shape.Length != 1 || bias.shape[0] != expected[0])
                throw new ArgumentException($"{path}: convolution {i} ({convolutions[i].Name}) is {string.Join('x', kernel.shape)}; " +
                                            $"this network's is {string.Join('x', expected)}.");
            layers[i].LoadFolded(kernel, bias);
        }
    }

    /// <summary>A weight as floats: an initializer itself, or the output of a DequantizeLinear node over initializers.</summary>
    private static Tensor Dequantised(string name, Dictionary<string, TensorProto> initializers, Dictionary<string, NodeProto> producers, string path)
    {
        if (initializers.TryGetValue(name, out var plain))
            return OnnxInitializers.Read(plain, path);
        if (!producers.TryGetValue(name, out var node) || node.OpType != "DequantizeLinear" || node.Input.Count < 2
            || !node.Input.All(initializers.ContainsKey))
            throw new ArgumentException($"{path}: weight {name} is neither stored nor dequantised from stored values.");
        using var quantised = OnnxInitializers.Read(initializers[node.Input[0]], path);
        using var scale = OnnxInitializers.Read(initializers[node.Input[1]], path);
        using var zeroPoint = node.Input.Count > 2 ? OnnxInitializers.Read(initializers[node.Input[2]], path) : zeros(1);
        // One scale and zero point per tensor, as this file has; per-channel ones would need the node's axis.
        if (scale.numel() != 1 || zeroPoint.numel() != 1)
            throw new ArgumentException($"{path}: weight {name} is quantised per channel, which this reader does not take.");
        return (quantised - zeroPoint.reshape(1)) * scale.reshape(1);
    }
}
