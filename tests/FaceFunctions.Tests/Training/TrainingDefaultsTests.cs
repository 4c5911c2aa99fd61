using FaceFunctions.TrainingJob.Model;
using FaceFunctions.TrainingJob.Training;
using Xunit;

namespace FaceFunctions.Tests.Training;

public sealed class TrainingDefaultsTests
{
    [Fact]
    public void Only_pretrained_resnet18_freezes_stages_unless_asked()
    {
        Assert.Equal(2, Backbones.DefaultFrozenStages(Backbones.ResNet18, weights: null));
        Assert.Equal(0, Backbones.DefaultFrozenStages(Backbones.ResNet18, weights: "none"));
        Assert.Equal(0, Backbones.DefaultFrozenStages(Backbones.MobileNetV2, weights: null));
        Assert.Equal(0, Backbones.DefaultFrozenStages(Backbones.MobileNetV2, weights: "mobilenet_v2.pth"));
        var defaults = new TrainingOptions();
        Assert.Equal(Backbones.DefaultFrozenStages(defaults.Backbone, defaults.Weights), defaults.FrozenStages);
    }

    [Fact]
    public void Default_epochs_put_the_same_images_through_every_objective()
    {
        // Images through the network per anchor: composition alone one, the objectives with a triplet three.
        var images = Objectives.Names.Select(o => Objectives.DefaultEpochs(o) * (o == Objectives.Composition ? 1 : 3)).Distinct();
        Assert.Single(images);
        var defaults = new TrainingOptions();
        Assert.Equal(Objectives.DefaultEpochs(defaults.Objective), defaults.Epochs);
    }
}
