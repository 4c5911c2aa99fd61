using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using FaceFunctions.TrainingJob.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>A convolutional network ending in global average pooling: images [N, 3, S, S] to features [N, Dimensions].</summary>
public abstract class EmbeddingBackbone(string name) : nn.Module<Tensor, Tensor>(name), IOnnxExportable
{
    /// <summary>Channels of the last feature map, so length of the pooled features.</summary>
    public abstract int Dimensions { get; }

    /// <summary>The input normalisation the network's weights expect, at the given size.</summary>
    public abstract Preprocessing Preprocessing(int imageSize);

    /// <summary>The last feature map, [N, Dimensions, H, W], before pooling.</summary>
    public abstract Tensor FeatureMap(Tensor input);

    /// <summary>Writes <see cref="FeatureMap"/> into the graph; returns the map's name.</summary>
    public abstract string ExportFeatureMap(OnnxGraphBuilder graph, string input);

    /// <summary>The feature map's global average.</summary>
    public sealed override Tensor forward(Tensor input)
    {
        using var map = FeatureMap(input);
        return map.mean([2L, 3L]);
    }

    public string ExportTo(OnnxGraphBuilder graph, string input) =>
        graph.Node("Flatten", [graph.Node("GlobalAveragePool", [ExportFeatureMap(graph, input)])], OnnxGraphBuilder.Int("axis", 1));

    /// <summary>The network's stages from the input on (the stem first), each as its modules.</summary>
    protected abstract IReadOnlyList<IReadOnlyList<nn.Module>> StagesFromInput();

    /// <summary>Cuts <paramref name="layers"/>, in order, into stages of the given lengths, which must use them all.</summary>
    protected static IReadOnlyList<IReadOnlyList<nn.Module>> Split(IEnumerable<nn.Module> layers, IEnumerable<int> lengths)
    {
        var remaining = layers.ToList();
        var stages = new List<IReadOnlyList<nn.Module>>();
        foreach (var length in lengths)
        {
            stages.Add(remaining[..length]);
            remaining = remaining[length..];
        }
        // A layer left over would belong to no stage and could never be frozen: the layout and the network disagree.
        if (remaining.Count > 0)
            throw new InvalidOperationException($"{remaining.Count} layers are left after the stages of this network.");
        return stages;
    }

    /// <summary>
    /// Gives the layers whose weights came with BatchNorm folded in (<see cref="ConvBnActivation.LoadFolded"/>) the
    /// statistics of <paramref name="images"/>, in evaluation mode, before training normalises by batches. Without
    /// folded layers it does nothing.
    /// </summary>
    public void SpreadFoldedNorms(Tensor images)
    {
        if (!modules().OfType<ConvBnActivation>().Any(layer => layer.Folded)) return;
        var mode = training;
        eval();
        using (no_grad())
        using (FeatureMap(images))
        {
        }
        train(mode);
    }

    private IReadOnlyList<TorchSharp.Modules.BatchNorm2d> _frozenNorms = [];

    /// <summary>
    /// Keeps the first <paramref name="stages"/> stages as they are, fully, as timm's freeze_batch_norm_2d does: their
    /// parameters stop asking for gradients, so training neither changes them nor spends a backward pass on them, and
    /// their BatchNorm layers stay in evaluation mode, normalising by their pretrained statistics rather than each
    /// batch's and never updating them. Early layers hold the generic edges and textures that pretrained weights bring;
    /// a few hundred images can only wear them down.
    /// </summary>
    public void Freeze(int stages)
    {
        var all = StagesFromInput();
        if (stages < 0 || stages > all.Count)
            throw new ArgumentOutOfRangeException(nameof(stages), stages, $"{GetName()} has {all.Count} stages to freeze (the stem counts as one).");
        var frozen = all.Take(stages).SelectMany(stage => stage).ToList();
        foreach (var parameter in frozen.SelectMany(module => module.parameters()))
            parameter.requires_grad = false;
        _frozenNorms = frozen.SelectMany(module => module.modules().Prepend(module)).OfType<TorchSharp.Modules.BatchNorm2d>().Distinct().ToList();
        train(training);
    }

    /// <summary>Training mode everywhere but in the frozen stages' BatchNorm layers (<see cref="Freeze"/>).</summary>
    public override void train(bool train = true)
    {
        base.train(train);
        foreach (var norm in _frozenNorms)
            norm.eval();
    }
}
