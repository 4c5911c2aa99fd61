using System.CommandLine;
using FaceFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;
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
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            await using var services = StorageServices.Provider(storage.Required(result));
            using var logging = JobLogging.Create(toStandardError: false);
            await StorePublishing.PublishFolderAsync(result.GetValue(model)!, services.GetRequiredService<ArtifactStores>(), postgres.From(result),
                logging.CreateLogger("publish"), cancellationToken);
        }));
        return command;
    }
}
