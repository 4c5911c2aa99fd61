using System.CommandLine;
using FaceFunctions.TrainingJob.Publishing;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>publish: a version folder written by train or export, into Blob Storage and, where named, PostgreSQL.</summary>
internal static class PublishCommand
{
    public static Command Create(StorageArguments storage, PostgresArguments postgres) =>
        StoreCommand.Create("publish", "Publish a model version folder to Blob Storage (and PostgreSQL) and make it current.",
            new Option<string>("--model") { Description = "A model version folder written by train or export.", Required = true }, storage, postgres,
            async (model, stores, database, cancellationToken) =>
            {
                using var logging = JobLogging.Create(toStandardError: false);
                await StorePublishing.PublishFolderAsync(model, stores, database, logging.CreateLogger("publish"), cancellationToken);
            });
}
