using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.Imaging;
using FaceFunctions.TrainingJob.Model;
using FaceFunctions.Vectors;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Export;

/// <summary>An ONNX file and how far ONNX Runtime's outputs were from TorchSharp's on <paramref name="Checked"/> images.</summary>
/// <param name="Difference">Max abs difference of the unit-length embeddings.</param>
/// <param name="RawDifference">The same on the raw network outputs.</param>
public sealed record ExportCheck(byte[] Onnx, double Difference, double RawDifference, int Checked);

/// <summary>Writes the trained network as ONNX from C# and proves the file computes what TorchSharp computes.</summary>
public static class OnnxExporter
{
    public const double Tolerance = 1e-4;

    /// <summary>The network as ONNX, refused when ONNX Runtime's embeddings of <paramref name="batch"/> differ from TorchSharp's.</summary>
    /// <exception cref="InvalidOperationException">They differ by more than <see cref="Tolerance"/>.</exception>
    public static ExportCheck ExportChecked(EmbeddingNetwork model, Preprocessing preprocessing, Tensor batch)
    {
        var onnx = Export(model, preprocessing);
        var (difference, raw) = MaxAbsDifference(model, onnx, preprocessing, batch);
        if (!(difference <= Tolerance))
            throw new InvalidOperationException($"The ONNX export differs from TorchSharp by {difference:E2}, above {Tolerance:E0}; nothing was written.");
        return new ExportCheck(onnx, difference, raw, (int)batch.shape[0]);
    }

    public static byte[] Export(EmbeddingNetwork model, Preprocessing preprocessing)
    {
        var graph = new OnnxGraphBuilder();
        const string input = "images";
        model.ExportTo(graph, input);
        // How images become its input is written once, in preprocessing.json beside it, not also in the file.
        return graph.Build(input, preprocessing.ImageSize, "embeddings", model.Dimensions);
    }

    /// <summary>
    /// The largest absolute difference between TorchSharp's and ONNX Runtime's embeddings of the same batch, both made
    /// non-negative and unit length as they are indexed (raw outputs have an arbitrary scale, so a fixed tolerance on
    /// them would mean something else for every network), and the same on the raw outputs, for the record.
    /// </summary>
    public static (double Embeddings, double Raw) MaxAbsDifference(EmbeddingNetwork model, byte[] onnx, Preprocessing preprocessing, Tensor batch)
    {
        model.eval();
        float[] expected;
        using (no_grad())
        using (var output = model.Embed(batch.to(model.parameters().First().device)))
            expected = output.cpu().data<float>().ToArray();
        using var embedder = new OnnxEmbedder(onnx, preprocessing, new OnnxEmbedderOptions { UseCuda = false }, NullLogger.Instance);
        var actual = embedder.Run(batch.cpu().contiguous().data<float>().ToArray(), (int)batch.shape[0]);
        if (actual.Length != expected.Length)
            throw new InvalidOperationException($"ONNX gave {actual.Length} values, TorchSharp {expected.Length}.");
        var raw = MaxDifference(expected, actual);
        foreach (var vectors in new[] { expected, actual })
            for (var row = 0; row < vectors.Length / model.Dimensions; row++)
                VectorMath.NonNegativeL2Normalize(vectors.AsSpan(row * model.Dimensions, model.Dimensions));
        return (MaxDifference(expected, actual), raw);
    }

    private static double MaxDifference(float[] a, float[] b) => a.Zip(b).Max(p => Math.Abs((double)p.First - p.Second));
}
