using FaceFunctions.Artifacts;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Evaluation;
using FaceFunctions.TrainingJob.Training;
using Xunit;

namespace FaceFunctions.Tests.Training;

/// <summary>Combinations of the train command's options, through the whole job on tiny drawn faces.</summary>
[Collection(TorchCollection.Name)]
public sealed class TrainingPipelineTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void The_plan_gives_early_stopping_and_the_checkpoint_to_the_main_run_only()
    {
        var plan = RunPlan.For(TrainStageTests.Tiny with { EarlyStoppingPatience = 2 }, "/tmp/run.checkpoint");
        Assert.Equal((2, "/tmp/run.checkpoint"), (plan.Main.EarlyStoppingPatience, plan.Main.CheckpointFolder));
        Assert.Equal((0, null, null), (plan.Untrained.Epochs, plan.Untrained.EarlyStoppingPatience, plan.Untrained.CheckpointFolder));
        Assert.Equal((3, null, null), (plan.HeldOutFold.Epochs, plan.HeldOutFold.EarlyStoppingPatience, plan.HeldOutFold.CheckpointFolder));
    }

    [Fact]
    public async Task Early_stopping_with_held_out_folds_writes_the_model_and_every_protocol()
    {
        var log = new LogCapture();
        var report = await TrainingPipeline.RunAsync(new TrainJobOptions
        {
            Data = [DatasetSource.Synthetic],
            Output = _folder.File("model"),
            Synthetic = new SyntheticFacesOptions { Persons = 3, VariantsPerCell = 2, Size = 48 },
            Training = TrainStageTests.Tiny with { EarlyStoppingPatience = 1, LearningRate = 0.5, Epochs = 6 },
            HeldOutFolds = 2,
        }, log, CancellationToken.None);
        Assert.True(File.Exists(_folder.File("model/model.onnx")), log.ToString());
        Assert.Contains("Stopped early after epoch", log.ToString());
        Assert.NotNull(report.UnseenCombinations.Top1);
        Assert.Equal(2, log.ToString().Split("Held-out fold").Length - 1);
        Assert.NotNull(report.Untrained.SeedProtocol.Top1);
        // The drawn faces are named as the source they are, not by the temporary folder they were drawn into.
        Assert.Equal(("synthetic", 3 * 7 * 2), (Assert.Single(report.Dataset.Sources).Name, report.Dataset.Sources[0].Images));
    }

    [Fact]
    public async Task Joined_datasets_train_each_facet_on_the_images_that_carry_it_and_report_what_each_brought()
    {
        // Expression photos of strangers without person labels: a manifest whose only facet is the expression.
        var moods = _folder.File("moods");
        var drawn = SyntheticFaces.Write(moods, new SyntheticFacesOptions { Persons = 2, VariantsPerCell = 1, Size = 48, Seed = 5 });
        // One of them shows a value the fully labelled set lacks ("CO", contempt): it trains, and has no image to find.
        var contempt = drawn.First(p => Path.GetFileName(p).Split('.')[1][..2] != "HA");
        File.WriteAllLines(Path.Combine(moods, DatasetReader.ManifestFileName),
            ["path,expression", .. drawn.Select(p => $"{Path.GetFileName(p)},{(p == contempt ? "CO" : Path.GetFileName(p).Split('.')[1][..2])}")]);
        var log = new LogCapture();
        var report = await TrainingPipeline.RunAsync(new TrainJobOptions
        {
            Data = [DatasetSource.Synthetic, moods],
            Output = _folder.File("model"),
            Synthetic = new SyntheticFacesOptions { Persons = 3, VariantsPerCell = 1, Size = 48 },
            Training = TrainStageTests.Tiny with { Objective = Objective.Composition },
            HeldOutFolds = 2,
        }, log, CancellationToken.None);

        Assert.Equal((21, 14), (report.Dataset.Images, report.Dataset.PartlyLabelledImages));
        Assert.Equal(["moods", "synthetic"], report.Dataset.Sources.Select(s => s.Name));
        Assert.Equal((14, 0, 0, 14), (report.Dataset.Sources[0].Images, report.Dataset.Sources[0].FullyLabelled,
            report.Dataset.Sources[0].Labelled["person"], report.Dataset.Sources[0].Labelled["expression"]));
        Assert.Contains("and 14 images without a value on some facet", log.ToString());
        // The gallery and the protocols hold the fully labelled images; the expression vectors learned from both sets.
        var bundle = await new ModelRepository(new FolderArtifactStore(_folder.File("model"))).LoadCurrentAsync();
        Assert.Equal(21, bundle.Gallery.Count);
        Assert.Equal(21, report.SeedProtocol.Queries);
        var expressions = bundle.Facets.Facets.Single(f => f.Name == "expression").Values;
        Assert.Equal(3 + 2, expressions.Single(v => v.Value == "HA").Images);
        Assert.Equal(1, expressions.Single(v => v.Value == "CO").Images);
        // Transforms go to every other person and expression that has an image: 21 x (2 + 6), none to "CO".
        Assert.Equal(21 * (2 + 6), report.Transform.Queries);
        Assert.NotNull(report.UnseenCombinations.Top1);
        Assert.Contains("\"partly_labelled_images\": 14", File.ReadAllText(_folder.File("model/report.json")));
    }

    [Fact]
    public async Task Enrolled_folds_train_without_each_fold_of_persons_and_report_them_beside_the_main_model()
    {
        var log = new LogCapture();
        var report = await TrainingPipeline.RunAsync(new TrainJobOptions
        {
            Data = [DatasetSource.Synthetic],
            Output = _folder.File("model"),
            Synthetic = new SyntheticFacesOptions { Persons = 4, VariantsPerCell = 1, Size = 48 },
            Training = TrainStageTests.Tiny,
            EnrolledFolds = 2,
        }, log, CancellationToken.None);
        var enrolled = report.EnrolledValues!;
        Assert.Equal(("person", 2), (enrolled.Facet, enrolled.Folds));
        Assert.Contains("Enrolled fold 1/2: person AK, CH trained without", log.ToString());
        Assert.Contains("Enrolled fold 2/2: person BM, DL trained without", log.ToString());
        // Every person's 7 cells once, enrolled and trained on; transforms from them (7 x 6 each) and to them (28 x 2 per fold).
        Assert.Equal((28, 28), (enrolled.Compose.Queries, enrolled.TrainedCompose.Queries));
        Assert.Equal(4 * 7 * 6 + 2 * 14 * 2, enrolled.Transform.Queries);
        Assert.All(new[] { enrolled.Compose, enrolled.Transform, enrolled.TrainedCompose, enrolled.TrainedTransform }, r => Assert.NotNull(r.Chance));
        Assert.Contains("\"enrolled_values\"", File.ReadAllText(_folder.File("model/report.json")));
    }

    [Fact]
    public async Task Evaluate_reads_from_the_manifest_how_the_model_was_trained()
    {
        var faces = new SyntheticFacesOptions { Persons = 3, VariantsPerCell = 2, Size = 48 };
        var report = await TrainingPipeline.RunAsync(new TrainJobOptions
        {
            Data = [DatasetSource.Synthetic],
            Output = _folder.File("model"),
            Synthetic = faces,
            Training = TrainStageTests.Tiny with { TrainOn = TrainingImages.All, Objective = Objective.Composition },
        }, new LogCapture(), CancellationToken.None);
        var bundle = await new ModelRepository(new FolderArtifactStore(_folder.File("model"))).LoadCurrentAsync();
        Assert.Equal(new ModelDescription("mobilenet_v2", "composition", "learned", "all", 9),
            bundle.Description);

        var log = new LogCapture();
        var dataset = await DatasetSource.ReadAsync([DatasetSource.Synthetic], DatasetFormat.Auto, faces, null, log, CancellationToken.None);
        var evaluated = await SavedModelEvaluation.RunAsync(_folder.File("model"), dataset, 9, log, CancellationToken.None);
        // Every image trained it and its learned facet vectors compose: the figures training reported, not others.
        Assert.Equal(report.SeedProtocol.Top1, evaluated.SeedProtocol.Top1);
        Assert.Equal(report.Transform.Top1, evaluated.Transform.Top1);
        Assert.Equal(report.UnseenImages.Note, evaluated.UnseenImages.Note);
        Assert.DoesNotContain("predates", log.ToString());
    }

    [Fact]
    public async Task An_unknown_choice_on_the_command_line_is_refused_with_the_allowed_ones_before_anything_runs()
    {
        var (code, _, error) = await TrainingJobCommand.RunAsync("train", "--data", DatasetSource.Synthetic, "--output", _folder.File("model"),
            "--objective", "contrastive");
        Assert.NotEqual(0, code);
        Assert.Contains("--objective 'contrastive' is not one of triplet, composition, composition+triplet.", error);
        Assert.False(Directory.Exists(_folder.File("model")));
    }

    public void Dispose() => _folder.Dispose();
}
