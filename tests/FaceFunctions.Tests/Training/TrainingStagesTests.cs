using FaceFunctions.Artifacts;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Training;
using Xunit;

namespace FaceFunctions.Tests.Training;

/// <summary>
/// The job's stages around the checkpoint that lasts: train keeps it, export makes a model of it without training,
/// train --from fine-tunes it, publish sends a version folder to storage.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TrainingStagesTests(TrainingStagesTests.TrainedOnce model) : IClassFixture<TrainingStagesTests.TrainedOnce>, IDisposable
{
    private static readonly SyntheticFacesOptions Faces = new() { Persons = 3, VariantsPerCell = 2, Size = 48 };
    private readonly TempFolder _folder = new();
    private readonly TrainingReport _trained = model.Report;
    private readonly string _model = model.Folder.File("model");

    /// <summary>One tiny training for the class: each test writes its own outputs beside it and changes nothing of it.</summary>
    public sealed class TrainedOnce : IAsyncLifetime
    {
        public TempFolder Folder { get; } = new();
        public TrainingReport Report { get; private set; } = null!;

        public async Task InitializeAsync() => Report = await TrainingPipeline.RunAsync(
            Job(Folder.File("model")) with { Training = TrainStageTests.Tiny }, new LogCapture(), CancellationToken.None);

        public Task DisposeAsync()
        {
            Folder.Dispose();
            return Task.CompletedTask;
        }
    }

    private string Model => _model;

    private static TrainJobOptions Job(string output) => new() { Data = [DatasetSource.Synthetic], Synthetic = Faces, Output = output };

    [Fact]
    public async Task Export_makes_the_same_model_of_the_finished_checkpoint_without_training()
    {
        Assert.True(Checkpoint.IsFinished(Model + ".checkpoint"));
        var log = new LogCapture();
        var exported = await TrainingPipeline.RunAsync(Job(_folder.File("exported")) with { Checkpoint = Model + ".checkpoint" }, log, CancellationToken.None);

        Assert.Contains("no epoch trained", log.ToString());
        Assert.DoesNotContain("epoch 1/", log.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(Model, "model.onnx")), await File.ReadAllBytesAsync(_folder.File("exported/model.onnx")));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(Model, "gallery.npy")), await File.ReadAllBytesAsync(_folder.File("exported/gallery.npy")));
        Assert.Equal(_trained.SeedProtocol.Top1, exported.SeedProtocol.Top1);
        Assert.Equal(_trained.Training.EpochLosses, exported.Training.EpochLosses);
    }

    [Fact]
    public async Task Export_refuses_a_dataset_other_than_the_one_the_checkpoint_trained_on()
    {
        var other = Job(_folder.File("exported")) with { Checkpoint = Model + ".checkpoint", Synthetic = Faces with { Persons = 4 } };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => TrainingPipeline.RunAsync(other, new LogCapture(), CancellationToken.None));
        Assert.Contains("holds other images or labels", error.Message);
        Assert.False(Directory.Exists(_folder.File("exported")));
    }

    [Fact]
    public async Task Export_refuses_a_folder_that_holds_no_finished_checkpoint()
    {
        var job = Job(_folder.File("exported")) with { Checkpoint = Model };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => TrainingPipeline.RunAsync(job, new LogCapture(), CancellationToken.None));
        Assert.Contains("holds no finished checkpoint", error.Message);
    }

    [Fact]
    public async Task Train_from_a_checkpoint_starts_from_its_network()
    {
        // No epoch: the fine-tuned network is the checkpoint's, so its export is the same file; a fresh network's is not.
        var options = (TrainStageTests.Tiny with { Epochs = 0, WidthMultiplier = 1 }).FineTuning(Model + ".checkpoint");
        Assert.Equal(TrainStageTests.Tiny.WidthMultiplier, options.WidthMultiplier);
        await TrainingPipeline.RunAsync(Job(_folder.File("tuned")) with { Training = options }, new LogCapture(), CancellationToken.None);
        await TrainingPipeline.RunAsync(Job(_folder.File("fresh")) with { Training = TrainStageTests.Tiny with { Epochs = 0 } },
            new LogCapture(), CancellationToken.None);

        var original = await File.ReadAllBytesAsync(Path.Combine(Model, "model.onnx"));
        Assert.Equal(original, await File.ReadAllBytesAsync(_folder.File("tuned/model.onnx")));
        Assert.NotEqual(original, await File.ReadAllBytesAsync(_folder.File("fresh/model.onnx")));
    }

    [Fact]
    public async Task Train_from_a_checkpoint_into_the_output_that_keeps_it_is_refused_and_the_checkpoint_stays()
    {
        var options = TrainStageTests.Tiny.FineTuning(Model + ".checkpoint");
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            TrainingPipeline.RunAsync(Job(Model) with { Training = options }, new LogCapture(), CancellationToken.None));
        Assert.Contains("would replace the checkpoint it starts from", error.Message);
        Assert.True(Checkpoint.IsFinished(Model + ".checkpoint"));
    }

    [Fact]
    public async Task Publish_sends_a_version_folder_to_blob_storage_and_makes_it_current()
    {
        await using var azurite = await Azurite.StartAsync();
        var (code, output, error) = await TrainingJobCommand.RunAsync("publish", "--model", Model, "--storage-connection-string", azurite.ConnectionString);
        Assert.True(code == 0, error);

        var stores = ArtifactStores.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });
        var published = await new ModelRepository(stores.Models).LoadCurrentAsync();
        Assert.Equal(_trained.Version, published.Version);
        Assert.Contains(_trained.Version, output);
        Assert.All(published.Gallery, entry => Assert.True(stores.Images.ExistsAsync(entry.Image).Result, entry.Image));
    }

    [Fact]
    public async Task Publish_refuses_a_folder_whose_files_do_not_match_its_manifest()
    {
        await using var azurite = await Azurite.StartAsync();
        var copy = _folder.File("copy");
        CopyFolder(Model, copy);
        await File.AppendAllTextAsync(Path.Combine(copy, "gallery.json"), " ");
        var (code, _, error) = await TrainingJobCommand.RunAsync("publish", "--model", copy, "--storage-connection-string", azurite.ConnectionString);
        Assert.Equal(1, code);
        Assert.Contains("does not match its SHA-256", error);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => _folder.Dispose();
}
