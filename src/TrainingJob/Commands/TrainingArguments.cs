using System.CommandLine;
using FaceFunctions.Artifacts;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Model;
using FaceFunctions.TrainingJob.Training;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>The options of train that say how the network is trained (<see cref="TrainingOptions"/>).</summary>
internal sealed class TrainingArguments
{
    /// <summary>The options' defaults are TrainingOptions' own: one place says what train does with no options.</summary>
    private static readonly TrainingOptions Defaults = new();

    private readonly Option<int?> _epochs = new("--epochs") { Description = "Default: 90 for composition, 30 for the objectives with triplets (the same images through the network), " +
                                                                                           "divided by the images each cell trains on (45 with two)." };
    private readonly Option<int> _imageSize = new("--image-size") { DefaultValueFactory = _ => Defaults.ImageSize };
    private readonly Option<int> _batchSize = new("--batch-size") { DefaultValueFactory = _ => Defaults.BatchSize };
    private readonly Option<double> _learningRate = new("--learning-rate") { DefaultValueFactory = _ => Defaults.LearningRate };
    private readonly Option<double?> _facetLearningRate = new("--facet-learning-rate") { Description = "Learning rate of the composition objective's facet value vectors (default: --learning-rate)." };
    private readonly Option<double> _temperature = new("--temperature") { Description = "The composition objective's temperature.", DefaultValueFactory = _ => Defaults.Composition.Temperature };
    private readonly Option<double> _transformWeight = new("--transform-weight")
    {
        Description = "Weight of the composition objective's transform term (each image moved to another value of each facet, classified as the cell it " +
                      "lands in); 0 leaves it out. Left out by itself past 10,000 combinations of facet values.",
        DefaultValueFactory = _ => Defaults.Composition.TransformWeight,
    };
    private readonly Option<Backbone> _backbone = ChoiceOptions.Create("--backbone", "The network: resnet18 starts from ImageNet weights.", Defaults.Backbone);
    private readonly Option<string?> _weights = new("--weights") { Description = "Backbone weights: a TorchSharp state dict; for resnet18 \"none\" trains from scratch." };
    private readonly Option<Objective> _objective = ChoiceOptions.Create("--objective", "What training minimises.", Defaults.Objective);
    private readonly Option<int?> _head = new("--head") { Description = "Index a linear projection head of this size instead of the pooled features." };
    private readonly Option<double> _width = new("--width") { Description = "MobileNetV2 width multiplier.", DefaultValueFactory = _ => Defaults.WidthMultiplier };
    private readonly Option<FacetVectorKind> _facetVectors = ChoiceOptions.Create("--facet-vectors",
        "Publish (and evaluate with) learned facet vectors, or medians of each value's images.", Defaults.FacetVectors);
    private readonly Option<bool> _noFlip = new("--no-flip") { Description = "Do not mirror augmented images (for facets with a side, such as lighting from the left)." };
    private readonly Option<int?> _frozenStages = new("--frozen-stages") { Description = "Keep the initial weights of this many backbone stages from the input (1: the stem; 2: it and the first stage of blocks). Default: 2 for resnet18 on its ImageNet weights, else 0." };
    private readonly Option<FaceStep> _face = ChoiceOptions.Create("--face",
        "detect: find, level and crop the face before the network (training and serving); none: whole images (docs/accuracy.md, \"Phone-like photos\").", Defaults.Face);
    private readonly Option<TrainingImages> _trainOn = ChoiceOptions.Create("--train-on",
        "Which images train: all-but-one-of-each-cell keeps one of each cell unseen where it has more.", Defaults.TrainOn);
    private readonly Option<ComputeDevice> _device = ChoiceOptions.Create("--device", "Where training runs: auto takes CUDA when present.", Defaults.Device);
    private readonly Option<int?> _patience = new("--early-stopping") { Description = "Stop after this many epochs without a better loss on the images that do not train; keep the best." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _backbone, _weights, _objective, _facetVectors, _head, _epochs, _imageSize, _face, _batchSize,
                     _learningRate, _facetLearningRate, _temperature, _transformWeight, _width, _trainOn, _noFlip, _frozenStages, _device, _patience })
            command.Options.Add(option);
    }

    public TrainingOptions Options(ParseResult result, int seed) => new()
    {
        Backbone = result.GetValue(_backbone),
        Weights = result.GetValue(_weights),
        Objective = result.GetValue(_objective),
        FacetVectors = result.GetValue(_facetVectors),
        HeadDimensions = result.GetValue(_head),
        Epochs = result.GetValue(_epochs),
        ImageSize = result.GetValue(_imageSize),
        Face = result.GetValue(_face),
        Seed = seed,
        BatchSize = result.GetValue(_batchSize),
        LearningRate = result.GetValue(_learningRate),
        FacetLearningRate = result.GetValue(_facetLearningRate),
        Composition = new CompositionTerms(result.GetValue(_temperature), result.GetValue(_transformWeight)),
        WidthMultiplier = result.GetValue(_width),
        TrainOn = result.GetValue(_trainOn),
        Flip = !result.GetValue(_noFlip),
        FrozenStages = result.GetValue(_frozenStages) ?? Backbones.DefaultFrozenStages(result.GetValue(_backbone), result.GetValue(_weights)),
        Device = result.GetValue(_device),
        EarlyStoppingPatience = result.GetValue(_patience),
    };
}
