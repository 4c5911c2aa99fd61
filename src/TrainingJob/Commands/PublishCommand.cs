using System.CommandLine;
using FaceFunctions.TrainingJob.Publishing;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>publish: a version folder written by train or export, into Blob Storage and, where named, PostgreSQL.</summary>
internal static class PublishCommand
{
    public static Command Create(StorageArguments storage, PostgresArguments postgres)
    {
        var model = new Option<string>("--model") { Description = "A model version folder written by train or export.", Required = true };
        var command = new Command("publish", "Publish a model version folder to Blob Storage (and PostgreSQL) and make it current.") { model };
        storage.AddTo(command);
        postgres.AddTo(command);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(() =>
        {
            var options = storage.Required(result);
            return StorePublishing.PublishFolderAsync(result.GetValue(model)!, options, postgres.From(result), Console.Out, cancellationToken);
        }));
        return command;
    }
}
