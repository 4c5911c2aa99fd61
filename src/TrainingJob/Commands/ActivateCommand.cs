using System.CommandLine;
using FaceFunctions.Artifacts;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Storage;
using FaceFunctions.TrainingJob.Publishing;
using Microsoft.Extensions.DependencyInjection;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>activate: point serving at a published version (a rollback), after checking that it loads whole.</summary>
internal static class ActivateCommand
{
    public static Command Create(StorageArguments storage, PostgresArguments postgres)
    {
        var version = new Option<string>("--version") { Description = "A version under versions/ in the models container.", Required = true };
        var command = new Command("activate", "Point the serving model at a published version (a rollback), after checking it loads whole.") { version };
        storage.AddTo(command);
        postgres.AddTo(command);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var options = storage.Required(result);
            await using var services = StorageServices.Provider(options);
            var repository = new ModelPublisher(services.GetRequiredService<ArtifactStores>().Models);
            await repository.ActivateAsync(result.GetValue(version)!, cancellationToken);
            if (postgres.From(result) is { } database)
            {
                // After the store: the version is checked whole there first; pgvector instances follow the database.
                await using var dataSource = PostgresDataSources.Create(database);
                await new PgVectorPublisher(dataSource, database).ActivateAsync(result.GetValue(version)!, cancellationToken);
            }
            Console.WriteLine($"Version {result.GetValue(version)} is current; the functions swap to it at their next check.");
        }));
        return command;
    }
}
