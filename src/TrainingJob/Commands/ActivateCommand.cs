using System.CommandLine;
using FaceFunctions.Index.Postgres;
using FaceFunctions.TrainingJob.Publishing;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>activate: point serving at a published version (a rollback), after checking that it loads whole.</summary>
internal static class ActivateCommand
{
    public static Command Create(StorageArguments storage, PostgresArguments postgres) =>
        StoreCommand.Create("activate", "Point the serving model at a published version (a rollback), after checking it loads whole.",
            new Option<string>("--version") { Description = "A version under versions/ in the models container.", Required = true }, storage, postgres,
            async (version, stores, database, cancellationToken) =>
            {
                await new ModelPublisher(stores.Models).ActivateAsync(version, cancellationToken);
                if (database is not null)
                {
                    // After the store: the version is checked whole there first; pgvector instances follow the database.
                    await using var dataSource = PostgresDataSources.Create(database);
                    await new PgVectorPublisher(dataSource, database).ActivateAsync(version, cancellationToken);
                }
                Console.WriteLine($"Version {version} is current; the functions swap to it at their next check.");
            });
}
