using FaceFunctions.Imaging;
using FaceFunctions.TrainingJob.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>A convolutional network ending in global average pooling: images [N, 3, S, S] to features [N, Dimensions].</summary>
public abstract class EmbeddingBackbone(string name) : nn.Module<Tensor, Tensor>(name), IOnnxExportable
{
    /// <summary>Length of the pooled features.</summary>
    public abstract int Dimensions { get; }

    /// <summary>The input normalisation the network's weights expect, at the given size.</summary>
    public abstract Preprocessing Preprocessing(int imageSize);

    public abstract string ExportTo(OnnxGraphBuilder graph, string input);
}
