using System.CommandLine;
using FaceFunctions.Datasets;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>train: read a dataset, train, export ONNX, embed the gallery, evaluate, write and publish the model.</summary>
internal static class TrainCommand
{
    public static Command Create(StorageArguments storage, PostgresArguments postgres)
    {
        var dataset = new DatasetArguments();
        var training = new TrainingArguments();
        var output = new Option<string>("--output") { Description = "Folder for the model version (model.onnx, manifest.json, report.json, ...).", Required = true };
        var heldOutFolds = new Option<int>("--held-out-folds") { Description = "Folds of the unseen-combinations protocol (k more trainings); 0 skips it." };
        var command = new Command("train", "Train on a dataset, export ONNX, embed the gallery, evaluate, write and publish the model.") { output, heldOutFolds };
        dataset.AddTo(command);
        training.AddTo(command);
        storage.AddTo(command);
        postgres.AddTo(command);
        command.SetAction((result, cancellationToken) => RunAsync(() => new TrainJobOptions
            {
                Data = result.GetValue(dataset.Data)!,
                Format = result.GetValue(dataset.Format),
                Output = result.GetValue(output)!,
                Synthetic = dataset.Synthetic(result),
                Training = training.Options(result, result.GetValue(dataset.Seed)),
                HeldOutFolds = result.GetValue(heldOutFolds),
                Publish = storage.From(result),
                Postgres = postgres.From(result),
            }, cancellationToken));
        return command;
    }

    /// <param name="options">Read inside the error handling: options that cannot work end the job with their message.</param>
    private static async Task<int> RunAsync(Func<TrainJobOptions> options, CancellationToken cancellationToken)
    {
        try
        {
            var job = options();
            if (job.Postgres is not null && job.Publish is null)
                throw new ArgumentException("Publishing to PostgreSQL needs the model store too: --storage-connection-string or --storage-service-uri.");
            await TrainingPipeline.RunAsync(job, Console.Out, cancellationToken);
            return 0;
        }
        catch (Exception e) when (e is DatasetException or InvalidOperationException or IOException or ArgumentException or Npgsql.NpgsqlException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        // TorchSharp reports native libraries it cannot load (no libtorch beside the job, or one of another build) from
        // its type initialiser; its own message is a page of load trace, whose first line says what is missing.
        catch (TypeInitializationException e) when (e.TypeName == typeof(TorchSharp.torch).FullName)
        {
            Console.Error.WriteLine($"error: TorchSharp could not load libtorch: {e.InnerException?.Message.Split('\n')[0]}");
            return 1;
        }
    }
}
