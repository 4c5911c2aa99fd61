using System.CommandLine;
using FaceFunctions.TrainingJob.Training;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>export: a finished checkpoint to a model version (ONNX checked against TorchSharp, gallery, evaluation), without training.</summary>
internal static class ExportCommand
{
    public static Command Create(StorageArguments storage, PostgresArguments postgres)
    {
        var job = new JobArguments(storage, postgres);
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "A finished checkpoint: OUTPUT.checkpoint of a train run. Its options are the model's; --data must name the dataset it trained on.",
            Required = true,
        };
        var command = new Command("export", "Export a finished checkpoint as a model version: ONNX, gallery, evaluation, folder, and publication where storage is named.")
            { checkpoint };
        job.AddTo(command);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            using var logging = JobLogging.Create(toStandardError: false);
            await TrainingPipeline.RunAsync(job.Options(result, new TrainingOptions(), result.GetValue(checkpoint)), logging.CreateLogger("export"), cancellationToken);
        }));
        return command;
    }
}
