using FaceFunctions.Datasets;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob;
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
        var plan = RunPlan.For(ModelTrainingTests.Tiny with { EarlyStoppingPatience = 2 }, "/tmp/run.checkpoint");
        Assert.Equal((2, "/tmp/run.checkpoint"), (plan.Main.EarlyStoppingPatience, plan.Main.CheckpointFolder));
        Assert.Equal((0, null, null), (plan.Untrained.Epochs, plan.Untrained.EarlyStoppingPatience, plan.Untrained.CheckpointFolder));
        Assert.Equal((3, null, null), (plan.HeldOutFold.Epochs, plan.HeldOutFold.EarlyStoppingPatience, plan.HeldOutFold.CheckpointFolder));
    }

    [Fact]
    public async Task Early_stopping_with_held_out_folds_writes_the_model_and_every_protocol()
    {
        var log = new StringWriter();
        var report = await TrainingPipeline.RunAsync(new TrainJobOptions
        {
            Data = TrainingPipeline.Synthetic,
            Output = _folder.File("model"),
            Synthetic = new SyntheticFacesOptions { Persons = 3, VariantsPerCell = 2, Size = 48 },
            Training = ModelTrainingTests.Tiny with { EarlyStoppingPatience = 1, LearningRate = 0.5, Epochs = 6 },
            HeldOutFolds = 2,
        }, log, CancellationToken.None);
        Assert.True(File.Exists(_folder.File("model/model.onnx")), log.ToString());
        Assert.Contains("Stopped early after epoch", log.ToString());
        Assert.NotNull(report.UnseenCombinations.Top1);
        Assert.Equal(2, log.ToString().Split("Held-out fold").Length - 1);
        Assert.NotNull(report.Untrained.SeedProtocol.Top1);
    }

    public void Dispose() => _folder.Dispose();
}
