using FaceFunctions.Artifacts;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Model;
using FaceFunctions.TrainingJob.Training;
using Xunit;
using static TorchSharp.torch;

namespace FaceFunctions.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class FreezingTests
{
    private static Dictionary<string, float[]> Weights(nn.Module network) =>
        network.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());

    /// <summary>The BatchNorm layers' running means and variances.</summary>
    private static Dictionary<string, float[]> Statistics(nn.Module network) =>
        network.named_buffers().Where(b => b.name.EndsWith("running_mean") || b.name.EndsWith("running_var"))
            .ToDictionary(b => b.name, b => b.buffer.detach().cpu().data<float>().ToArray());

    [Fact]
    public void Frozen_stages_keep_their_weights_while_the_rest_trains()
    {
        using var network = new EmbeddingNetwork(new MobileNetV2Embedder(widthMultiplier: 0.25), headDimensions: null);
        var before = Weights(network);
        var statisticsBefore = Statistics(network);
        manual_seed(3);
        using var images = rand(6, 3, 32, 32);
        int[][] labels = [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]];
        var options = new TrainingOptions { Epochs = 2, BatchSize = 3, LearningRate = 1e-2, FrozenStages = 2, Device = ComputeDevice.Cpu };
        new TrainingLoop(options, new FaceFunctions.Artifacts.Preprocessing { ImageSize = 32 }, CPU).Train(network, images, labels, [3, 2], null, CancellationToken.None);

        var after = Weights(network);
        var unchanged = before.Keys.Where(name => before[name].SequenceEqual(after[name])).ToList();
        // The stem and block0 (the paper's first stage has one block) are the two frozen stages; block1 starts the next.
        static bool Frozen(string name) => name.Contains(".stem.") || name.Contains(".block0.");
        Assert.Contains(unchanged, name => name.Contains(".stem."));
        Assert.Contains(unchanged, name => name.Contains(".block0."));
        Assert.All(before.Keys.Where(Frozen), name => Assert.Contains(name, unchanged));
        Assert.All(unchanged, name => Assert.True(Frozen(name), $"{name} did not train"));
        Assert.Contains(before.Keys, name => name.Contains(".block1."));
        // Fully frozen: their BatchNorm statistics too, through training and the recalibration after it.
        var statisticsAfter = Statistics(network);
        Assert.Contains(statisticsBefore.Keys, name => name.Contains(".stem."));
        Assert.All(statisticsBefore.Keys, name =>
            Assert.True(statisticsBefore[name].SequenceEqual(statisticsAfter[name]) == Frozen(name), $"{name}: frozen {Frozen(name)}"));
    }

    [Fact]
    public void Freezing_counts_the_stem_as_the_first_stage()
    {
        using var resnet = new ResNetEmbedder();
        resnet.Freeze(1);
        var frozen = resnet.named_parameters().Where(p => !p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.NotEmpty(frozen);
        Assert.All(frozen, name => Assert.StartsWith("stem.", name));
        Assert.Throws<ArgumentOutOfRangeException>(() => resnet.Freeze(6));
        Assert.Throws<ArgumentOutOfRangeException>(() => resnet.Freeze(-1));
    }
}
