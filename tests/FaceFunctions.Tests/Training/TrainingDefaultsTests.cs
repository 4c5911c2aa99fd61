using FaceFunctions.Artifacts;
using FaceFunctions.Options;
using FaceFunctions.TrainingJob.Model;
using FaceFunctions.TrainingJob.Training;
using Xunit;

namespace FaceFunctions.Tests.Training;

public sealed class TrainingDefaultsTests
{
    [Fact]
    public void Only_pretrained_resnet18_freezes_stages_unless_asked()
    {
        Assert.Equal(2, Backbones.DefaultFrozenStages(Backbone.ResNet18, weights: null));
        Assert.Equal(0, Backbones.DefaultFrozenStages(Backbone.ResNet18, weights: "none"));
        Assert.Equal(0, Backbones.DefaultFrozenStages(Backbone.MobileNetV2, weights: null));
        Assert.Equal(0, Backbones.DefaultFrozenStages(Backbone.MobileNetV2, weights: "mobilenet_v2.pth"));
        var defaults = new TrainingOptions();
        Assert.Equal(Backbones.DefaultFrozenStages(defaults.Backbone, defaults.Weights), defaults.FrozenStages);
    }

    [Fact]
    public void Default_epochs_put_the_same_images_through_every_objective()
    {
        // Images through the network per anchor: composition alone one, the objectives with a triplet three.
        var images = Enum.GetValues<Objective>().Select(o => o.DefaultEpochs() * (o == Objective.Composition ? 1 : 3)).Distinct();
        Assert.Single(images);
    }

    [Fact]
    public void Default_epochs_are_passes_over_one_image_of_each_cell_and_given_ones_are_kept()
    {
        var defaults = new TrainingOptions();
        Assert.Null(defaults.Epochs);
        Assert.Equal(90, defaults.EpochsFor(images: 70, cells: 70));
        Assert.Equal(45, defaults.EpochsFor(images: 140, cells: 70));
        Assert.Equal(30, defaults.EpochsFor(images: 210, cells: 70));
        Assert.Equal(10, (defaults with { Objective = Objective.CompositionTriplet }).EpochsFor(images: 210, cells: 70));
        Assert.Equal(7, (defaults with { Epochs = 7 }).EpochsFor(images: 140, cells: 70));
        Assert.Equal(1, defaults.EpochsFor(images: 1000, cells: 2));
    }

    [Fact]
    public void Choices_are_written_and_read_by_their_names_and_an_unknown_one_lists_the_allowed()
    {
        Assert.Equal(["triplet", "composition", "composition+triplet"], Choices.Names<Objective>());
        Assert.Equal(Objective.CompositionTriplet, Choices.Parse<Objective>("Composition+Triplet", "objective"));
        Assert.Equal(Backbone.MobileNetV2, Choices.Parse<Backbone>("mobilenet_v2", "backbone"));
        var error = Assert.Throws<ArgumentException>(() => Choices.Parse<Backbone>("vgg16", "backbone"));
        Assert.Equal("Unknown backbone 'vgg16': use mobilenet_v2, resnet18.", error.Message);
        // report.json and the checkpoint's configuration keep the names the command line takes.
        var options = new TrainingOptions { Objective = Objective.CompositionTriplet, Device = ComputeDevice.Cpu };
        using var json = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(options));
        var written = new[] { "Objective", "Backbone", "FacetVectors", "Device", "Face", "TrainOn" }.Select(p => json.RootElement.GetProperty(p).GetString());
        Assert.Equal(["composition+triplet", "resnet18", "learned", "cpu", "detect", "all-but-one-of-each-cell"], written);
        Assert.Equal(options, System.Text.Json.JsonSerializer.Deserialize<TrainingOptions>(json));
    }
}
