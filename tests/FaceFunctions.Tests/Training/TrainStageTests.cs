using FaceFunctions.Artifacts;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Model;
using FaceFunctions.TrainingJob.Training;
using Xunit;

namespace FaceFunctions.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class TrainStageTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly LabelledDataset _dataset;

    // Whole images: these tests are about the training loop, on 48 px faces too small for the face detector. Without
    // the transform term (the default since issue 17): at the early-stopping test's learning rate of 0.5 its extra
    // gradient drives this quarter-width network to where ONNX Runtime and TorchSharp part by 3e-4, and the export
    // check (rightly) refuses it; the term has its own tests.
    internal static readonly TrainingOptions Tiny = new()
    {
        Backbone = Backbone.MobileNetV2, WidthMultiplier = 0.25, Objective = Objective.CompositionTriplet,
        ImageSize = 32, Epochs = 3, BatchSize = 4, LearningRate = 1e-3, Seed = 9, Device = ComputeDevice.Cpu, FrozenStages = 0,
        Face = FaceStep.None, Composition = new CompositionTerms(),
    };

    public TrainStageTests()
    {
        SyntheticFaces.Write(_folder.File("faces"), new SyntheticFacesOptions { Persons = 3, VariantsPerCell = 1, Size = 48 });
        _dataset = DatasetReader.Read(_folder.File("faces"));
    }

    [Fact]
    public void Partly_labelled_images_are_refused_by_the_triplet_loss_which_needs_every_value()
    {
        LabelledImage Image(string id, params (string Facet, string Value)[] labels) => new(id, id, labels.ToDictionary(l => l.Facet, l => l.Value));
        var dataset = new LabelledDataset("test", ["person", "expression"],
            [Image("a", ("person", "A"), ("expression", "x")), Image("b", ("person", "B"), ("expression", "y")), Image("c", ("expression", "x"))], []);
        var error = Assert.Throws<ArgumentException>(() => TrainStage.Train(dataset, dataset.Images, Tiny, null, CancellationToken.None));
        Assert.Contains("1 images lack a value on some facet: the triplet loss needs every value", error.Message);
    }

    [Fact]
    public void The_same_seed_trains_the_same_model_on_cpu()
    {
        var first = TrainStage.Train(_dataset, _dataset.Images, Tiny, null, CancellationToken.None);
        var second = TrainStage.Train(_dataset, _dataset.Images, Tiny, null, CancellationToken.None);
        Assert.Equal(3, first.Losses.Count);
        Assert.Equal(first.Losses, second.Losses);
        Assert.Equal(first.Onnx, second.Onnx);
        Assert.InRange(first.ExportDifference, 0, 1e-4);
        // The composition objective's facet vectors come back too, one per value of each facet, the same each time.
        Assert.Equal(_dataset.Facets, first.LearnedFacets!.Facets.Select(f => f.Name));
        Assert.All(_dataset.Facets, f => Assert.Equal(_dataset.Values(f), first.LearnedFacets.Facet(f)!.Values.Select(v => v.Value)));
        Assert.Equal(first.LearnedFacets.Matrix, second.LearnedFacets!.Matrix);
    }

    [Fact]
    public void An_interrupted_run_resumes_from_its_checkpoint()
    {
        var options = InterruptedAfterEpoch2();
        Assert.True(File.Exists(_folder.File("checkpoint/checkpoint.json")));

        var resumed = new List<int>();
        var reasons = new List<string>();
        var finished = TrainStage.Train(_dataset, _dataset.Images, options, new Progress(p => resumed.Add(p.Epoch), (_, r) => reasons.Add(r)), CancellationToken.None);
        Assert.Equal([3], resumed);
        Assert.Contains("resuming from the checkpoint", Assert.Single(reasons));
        Assert.Equal(3, finished.Losses.Count);
        var uninterrupted = TrainStage.Train(_dataset, _dataset.Images, Tiny, null, CancellationToken.None);
        Assert.Equal(uninterrupted.Losses.Take(2), finished.Losses.Take(2));
    }

    [Fact]
    public void An_empty_checkpoint_folder_is_said_to_hold_nothing_and_training_starts_at_epoch_1()
    {
        Directory.CreateDirectory(_folder.File("checkpoint"));
        var options = Tiny with { CheckpointFolder = _folder.File("checkpoint"), Epochs = 1 };
        var starts = new List<(int Epoch, string Reason)>();
        TrainStage.Train(_dataset, _dataset.Images, options, new Progress(_ => { }, (e, r) => starts.Add((e, r))), CancellationToken.None);
        var start = Assert.Single(starts);
        Assert.Equal(1, start.Epoch);
        Assert.Contains("holds no checkpoint.json", start.Reason);
        Assert.DoesNotContain("resuming", start.Reason);
    }

    [Fact]
    public void A_checkpoint_of_another_configuration_is_ignored()
    {
        var options = Tiny with { CheckpointFolder = _folder.File("checkpoint"), Epochs = 1 };
        TrainStage.Train(_dataset, _dataset.Images, options, null, CancellationToken.None);
        var epochs = new List<int>();
        TrainStage.Train(_dataset, _dataset.Images, options with { Seed = 10 }, new Progress(p => epochs.Add(p.Epoch)), CancellationToken.None);
        Assert.Equal([1], epochs);
    }

    [Fact]
    public void Early_stopping_ends_when_the_validation_loss_stops_improving()
    {
        var (dataset, train, validation) = WithValidation();
        // A step size far too large makes the validation loss climb at once.
        var options = Tiny with { Epochs = 8, LearningRate = 0.5, EarlyStoppingPatience = 1 };
        var result = TrainStage.Train(dataset, train, options, null, CancellationToken.None, validation);
        Assert.InRange(result.Losses.Count, 2, 7);
        Assert.Throws<ArgumentException>(() => TrainStage.Train(dataset, train, options, null, CancellationToken.None));
    }

    [Fact]
    public void Early_stopping_keeps_the_best_epochs_facet_vectors_with_its_network()
    {
        var (dataset, train, validation) = WithValidation();
        var stopped = TrainStage.Train(dataset, train, Tiny with { Epochs = 8, LearningRate = 0.5, EarlyStoppingPatience = 1 },
            null, CancellationToken.None, validation);
        var best = Assert.IsType<int>(stopped.BestEpoch);
        Assert.True(best < stopped.Losses.Count);
        // The same run cut at the best epoch: the network and the facet vectors both as they were then.
        var cut = TrainStage.Train(dataset, train, Tiny with { Epochs = best, LearningRate = 0.5 }, null, CancellationToken.None);
        Assert.Null(cut.BestEpoch);
        Assert.Equal(cut.LearnedFacets!.Matrix, stopped.LearnedFacets!.Matrix);
        Assert.Equal(cut.Onnx, stopped.Onnx);
    }

    [Fact]
    public void Images_per_second_counts_only_the_epochs_this_run_trained()
    {
        var options = InterruptedAfterEpoch2();
        var resumed = TrainStage.Train(_dataset, _dataset.Images, options, null, CancellationToken.None);
        Assert.Equal(3, resumed.Losses.Count);
        // One epoch ran here: every image as an anchor with its positive and its negative.
        var oneEpoch = 3 * _dataset.Images.Count;
        Assert.Equal(oneEpoch, resumed.ImagesPerSecond * resumed.Seconds, 3);
    }

    /// <summary>Options that checkpoint every epoch, after a run of them was cancelled at the end of epoch 2.</summary>
    private TrainingOptions InterruptedAfterEpoch2()
    {
        var options = Tiny with { CheckpointFolder = _folder.File("checkpoint"), CheckpointEvery = 1 };
        using var cancel = new CancellationTokenSource();
        var progress = new Progress(p => { if (p.Epoch == 2) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => TrainStage.Train(_dataset, _dataset.Images, options, progress, cancel.Token));
        return options;
    }

    /// <summary>Two drawn variants per cell: the first of each trains, the other validates.</summary>
    private (LabelledDataset Dataset, IReadOnlyList<LabelledImage> Train, IReadOnlyList<LabelledImage> Validation) WithValidation()
    {
        SyntheticFaces.Write(_folder.File("variants"), new SyntheticFacesOptions { Persons = 3, VariantsPerCell = 2, Size = 48 });
        var dataset = DatasetReader.Read(_folder.File("variants"));
        var train = dataset.FirstOfEachCell();
        return (dataset, train, dataset.Images.Except(train).ToList());
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>Reports synchronously (System.Progress posts to the thread pool).</summary>
    private sealed class Progress(Action<EpochProgress> report, Action<int, string>? starting = null) : ITrainingProgress
    {
        public void Report(EpochProgress value) => report(value);
        public void Starting(int firstEpoch, string reason) => starting?.Invoke(firstEpoch, reason);
    }
}
