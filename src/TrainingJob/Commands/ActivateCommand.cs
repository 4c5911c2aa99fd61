using System.CommandLine;
using FaceFunctions.Artifacts;
using FaceFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>activate: point serving at a published version (a rollback), after checking that it loads whole.</summary>
internal static class ActivateCommand
{
    public static Command Create(StorageArguments storage)
    {
        var version = new Option<string>("--version") { Description = "A version under versions/ in the models container.", Required = true };
        var command = new Command("activate", "Point the serving model at a published version (a rollback), after checking it loads whole.") { version };
        storage.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var options = storage.From(result) ?? throw new ArgumentException("Name the storage: --storage-connection-string or --storage-service-uri.");
                await using var services = StorageServices.Provider(options);
                await new ModelRepository(services.GetRequiredService<ArtifactStores>().Models).ActivateAsync(result.GetValue(version)!, cancellationToken);
                Console.WriteLine($"Version {result.GetValue(version)} is current; the functions swap to it at their next check.");
                return 0;
            }
            catch (Exception e) when (e is ModelIntegrityException or ArgumentException or Azure.RequestFailedException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
