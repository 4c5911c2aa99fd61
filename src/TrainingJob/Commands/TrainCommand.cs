using System.CommandLine;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>
/// train: the whole chain. Read a dataset, train (keeping a finished checkpoint beside the output), export ONNX,
/// embed the gallery, evaluate, write and publish the model. --from fine-tunes a finished checkpoint.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(StorageArguments storage, PostgresArguments postgres)
    {
        var job = new JobArguments(storage, postgres);
        var training = new TrainingArguments();
        var from = new Option<string?>("--from")
        {
            Description = "Fine-tune the network of a finished checkpoint (OUTPUT.checkpoint of an earlier train), with its backbone, width and head; " +
                          "the facet vectors start afresh.",
        };
        var command = new Command("train", "Train on a dataset, export ONNX, embed the gallery, evaluate, write and publish the model.") { from };
        job.AddTo(command);
        training.AddTo(command);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var options = training.Options(result, result.GetValue(job.Seed));
            if (result.GetValue(from) is { } checkpoint)
                options = options.FineTuning(checkpoint);
            using var logging = JobLogging.Create(toStandardError: false);
            await TrainingPipeline.RunAsync(job.Options(result, options, checkpoint: null), logging.CreateLogger("train"), cancellationToken);
        }));
        return command;
    }
}
