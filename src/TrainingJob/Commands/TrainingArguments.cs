using System.CommandLine;
using FaceFunctions.Artifacts;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Model;
using FaceFunctions.Options;
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
    private readonly Option<string?> _weights = new("--weights")
    {
        Description = "Backbone weights. mobilenet_v2: torchvision's .pth (mobilenet_v2-b0353104.pth), the quantised " + WeightFiles.QuantisedMobileNetV2 +
                      " or a TorchSharp state dict; resnet18: a TorchSharp state dict, \"none\" trains from scratch. Files whose names say what they are are checked by SHA-256.",
    };
    private readonly Option<Objective> _objective = ChoiceOptions.Create("--objective", "What training minimises.", Defaults.Objective);
    private readonly Option<int?> _head = new("--head") { Description = "Index a linear projection head of this size instead of the pooled features." };
    private readonly Option<double> _width = new("--width") { Description = "MobileNetV2 width multiplier.", DefaultValueFactory = _ => Defaults.WidthMultiplier };
    private readonly Option<FacetVectorKind> _facetVectors = ChoiceOptions.Create("--facet-vectors",
        "Publish (and evaluate with) learned facet vectors, or medians of each value's images.", Defaults.FacetVectors);
    private readonly Option<double?> _colourCast = new("--colour-cast")
    {
        Description = "Augment with a colour cast: each channel's gain drawn from 1 +- this (0.15: a phone's white balance off by up to 15%). Default: the recipe's.",
    };
    private readonly Option<double?> _greyscale = new("--greyscale") { Description = "Augment by turning images grey with this probability (0 to 1). Default: the recipe's." };
    private readonly Option<bool> _noFlip = new("--no-flip") { Description = "Do not mirror augmented images (for facets with a side, such as lighting from the left)." };
    private readonly Option<int?> _frozenStages = new("--frozen-stages") { Description = "Keep the initial weights of this many backbone stages from the input (1: the stem; 2: it and the first stage of blocks). Default: 2 for resnet18 on its ImageNet weights, else 0." };
    private readonly Option<FaceStep> _face = ChoiceOptions.Create("--face",
        "detect: find, level and crop the face before the network (training and serving); none: whole images (docs/accuracy.md, \"Phone-like photos\").", Defaults.Face);
    private readonly Option<TrainingImages> _trainOn = ChoiceOptions.Create("--train-on",
        "Which images train: all-but-one-of-each-cell keeps one of each cell unseen where it has more.", Defaults.TrainOn);
    private readonly Option<ComputeDevice> _device = ChoiceOptions.Create("--device", "Where training runs: auto takes CUDA when present.", Defaults.Device);
    private readonly Option<int?> _patience = new("--early-stopping") { Description = "Stop after this many epochs without a better loss on the images that do not train; keep the best." };

    // The four points where the original experiment's notebook ran otherwise than its write-up (docs/accuracy.md): the
    // recipe takes the notebook's way; each of these gives the other.
    private readonly Option<EmbeddingNorm> _embeddingNorm = ChoiceOptions.Create("--embedding-norm",
        "What BatchNorm normalises with when the trained network embeds: running averages (re-estimated on the training images), or each image's own statistics " +
        "(the experiment's notebook, never in evaluation mode). Default: the recipe's.", Defaults.EmbeddingNorm);
    private readonly Option<InputScale> _inputScale = ChoiceOptions.Create("--input-scale",
        "The network's input: the backbone's normalisation (ImageNet's), or pixel values in [0, 1] (the notebook's ToTensor without Normalize). Default: the recipe's.",
        Defaults.InputScale);
    private readonly Option<MedianRule> _median = ChoiceOptions.Create("--median",
        "The feature-map readout's median: torch's lower median over the width then the height, or numpy's (the mean of the two middle values) over the height " +
        "then the width. Default: the recipe's.", Defaults.Median);
    private readonly Option<TripletPositive> _tripletPositive = ChoiceOptions.Create("--triplet-positive",
        "A triplet's positive: another image with the anchor's value, or any (the anchor itself included, as the notebook drew). Default: the recipe's.",
        Defaults.TripletPositive);

    private readonly Option<Recipe> _recipe = ChoiceOptions.Create("--recipe",
        "A named configuration the other options change: original-experiment is the JAFFE experiment as it was run (docs/accuracy.md) " +
        "and needs --weights.", Recipe.Default);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _recipe, _backbone, _weights, _objective, _facetVectors, _head, _epochs, _imageSize, _face, _batchSize,
                     _learningRate, _facetLearningRate, _temperature, _transformWeight, _width, _trainOn, _noFlip, _colourCast, _greyscale, _frozenStages, _device, _patience,
                     _embeddingNorm, _inputScale, _median, _tripletPositive })
            command.Options.Add(option);
    }

    /// <summary>The recipe's options, each replaced by the command line's where it was given.</summary>
    public TrainingOptions Options(ParseResult result, int seed)
    {
        var recipe = result.GetValue(_recipe);
        var start = recipe.Options();
        T Given<T>(Option<T> option, T fallback) => result.GetResult(option) is { Implicit: false } ? result.GetValue(option)! : fallback;
        var backbone = Given(_backbone, start.Backbone);
        var weights = Given(_weights, start.Weights);
        if (recipe.NeedsWeights() && weights is null)
            throw new ArgumentException($"--recipe {Choices.NameOf(recipe)} starts from ImageNet MobileNetV2: pass --weights with torchvision's " +
                                        $"mobilenet_v2-b0353104.pth or {WeightFiles.QuantisedMobileNetV2} (../shared/weights).");
        if (result.GetValue(_colourCast) is < 0 or >= 1)
            throw new ArgumentException("--colour-cast is a spread from 0 to below 1 (0.15: each channel's gain 0.85-1.15).");
        if (result.GetValue(_greyscale) is < 0 or > 1)
            throw new ArgumentException("--greyscale is a probability from 0 to 1.");
        return start with
        {
            Backbone = backbone,
            Weights = weights,
            Objective = Given(_objective, start.Objective),
            FacetVectors = Given(_facetVectors, start.FacetVectors),
            HeadDimensions = Given(_head, start.HeadDimensions),
            Epochs = Given(_epochs, start.Epochs),
            ImageSize = Given(_imageSize, start.ImageSize),
            Face = Given(_face, start.Face),
            Seed = seed,
            BatchSize = Given(_batchSize, start.BatchSize),
            LearningRate = Given(_learningRate, start.LearningRate),
            FacetLearningRate = Given(_facetLearningRate, start.FacetLearningRate),
            Composition = new CompositionTerms(Given(_temperature, start.Composition.Temperature), Given(_transformWeight, start.Composition.TransformWeight)),
            WidthMultiplier = Given(_width, start.WidthMultiplier),
            TrainOn = Given(_trainOn, start.TrainOn),
            Flip = !result.GetValue(_noFlip) && start.Flip,
            Augmentation = start.Augmentation with
            {
                ColourCast = result.GetValue(_colourCast) ?? start.Augmentation.ColourCast,
                Greyscale = result.GetValue(_greyscale) ?? start.Augmentation.Greyscale,
            },
            FrozenStages = result.GetValue(_frozenStages)
                           ?? (recipe == Recipe.Default ? Backbones.DefaultFrozenStages(backbone, weights) : start.FrozenStages),
            EmbeddingNorm = Given(_embeddingNorm, start.EmbeddingNorm),
            InputScale = Given(_inputScale, start.InputScale),
            Median = Given(_median, start.Median),
            TripletPositive = Given(_tripletPositive, start.TripletPositive),
            Device = result.GetValue(_device),
            EarlyStoppingPatience = result.GetValue(_patience),
        };
    }
}
