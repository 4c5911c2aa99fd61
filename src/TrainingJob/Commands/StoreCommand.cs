using System.CommandLine;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>A command on the stores the storage options name, and PostgreSQL where named (publish, activate).</summary>
internal static class StoreCommand
{
    /// <param name="subject">The one option the command works on (a model folder, a version).</param>
    public static Command Create(string name, string description, Option<string> subject, StorageArguments storage, PostgresArguments postgres,
        Func<string, ArtifactStores, PostgresOptions?, CancellationToken, Task> work)
    {
        var command = new Command(name, description) { subject };
        storage.AddTo(command);
        postgres.AddTo(command);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            await using var services = StorageServices.Provider(storage.Required(result));
            await work(result.GetValue(subject)!, services.GetRequiredService<ArtifactStores>(), postgres.From(result), cancellationToken);
        }));
        return command;
    }
}
