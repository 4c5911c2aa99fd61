using System.CommandLine;
using FaceFunctions.TrainingJob.Training;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>The options train and export share: the dataset, the version folder, the folds, and where to publish.</summary>
internal sealed class JobArguments(StorageArguments storage, PostgresArguments postgres)
{
    private readonly DatasetArguments _dataset = new();
    private readonly Option<string> _output = new("--output") { Description = "Folder for the model version (model.onnx, manifest.json, report.json, ...).", Required = true };
    private readonly Option<int> _heldOutFolds = new("--held-out-folds") { Description = "Folds of the unseen-combinations protocol (k more trainings); 0 skips it." };
    private readonly Option<int> _enrolledFolds = new("--enrolled-folds")
    {
        Description = "Folds of the enrolled-values protocol: the first facet's values (persons) split k ways, each trained without, then enrolled (k more trainings); 0 skips it.",
    };

    public Option<int> Seed => _dataset.Seed;

    public void AddTo(Command command)
    {
        command.Options.Add(_output);
        command.Options.Add(_heldOutFolds);
        command.Options.Add(_enrolledFolds);
        _dataset.AddTo(command);
        storage.AddTo(command);
        postgres.AddTo(command);
    }

    /// <param name="checkpoint">A finished checkpoint to export instead of training; null trains.</param>
    public TrainJobOptions Options(ParseResult result, TrainingOptions training, string? checkpoint)
    {
        var job = new TrainJobOptions
        {
            Data = result.GetValue(_dataset.Data)!,
            Format = result.GetValue(_dataset.Format),
            Output = result.GetValue(_output)!,
            Synthetic = _dataset.Synthetic(result),
            Training = training,
            Checkpoint = checkpoint,
            HeldOutFolds = result.GetValue(_heldOutFolds),
            EnrolledFolds = result.GetValue(_enrolledFolds),
            Publish = storage.From(result),
            Postgres = postgres.From(result),
        };
        if (job.EnrolledFolds is 1 or < 0)
            throw new ArgumentException($"--enrolled-folds takes 0 (off) or 2 and more; got {job.EnrolledFolds}.");
        if (job.Postgres is not null && job.Publish is null)
            throw new ArgumentException("Publishing to PostgreSQL needs the model store too: --storage-connection-string or --storage-service-uri.");
        return job;
    }
}
