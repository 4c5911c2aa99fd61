using System.CommandLine;
using FaceFunctions.Storage;
using FaceFunctions.TrainingJob.Evaluation;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>evaluate: the protocols on a saved model, without retraining.</summary>
internal static class EvaluateCommand
{
    public static Command Create(StorageArguments storage)
    {
        var dataset = new DatasetArguments();
        var model = new Option<string>("--model") { Description = "A model folder written by train.", Required = true };
        var output = new Option<string?>("--output") { Description = "Also write the figures to this JSON file." };
        var command = new Command("evaluate", "Evaluate a saved model on a dataset (seed protocol, the experiment's protocol, unseen images, transform).") { model, output };
        dataset.AddTo(command);
        storage.AddTo(command);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            // The figures go to standard output, the log to standard error.
            using var logging = JobLogging.Create(toStandardError: true);
            var log = logging.CreateLogger("evaluate");
            await using var services = storage.From(result) is { } options ? StorageServices.Provider(options) : null;
            var data = await DatasetSource.ReadAsync(result.GetValue(dataset.Data)!, result.GetValue(dataset.Format),
                dataset.Synthetic(result), services, log, cancellationToken);
            var figures = await SavedModelEvaluation.RunAsync(result.GetValue(model)!, data, result.GetValue(dataset.Seed), log, cancellationToken);
            var json = SavedModelEvaluation.ToJson(figures);
            Console.WriteLine(json);
            if (result.GetValue(output) is { } path)
                await File.WriteAllTextAsync(path, json, cancellationToken);
        }));
        return command;
    }
}
