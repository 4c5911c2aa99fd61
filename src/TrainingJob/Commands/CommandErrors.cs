using FaceFunctions.Artifacts;
using FaceFunctions.TrainingJob.Datasets;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>How every command ends on a failure a user can mend: its message on standard error and exit code 1, not a stack trace.</summary>
internal static class CommandErrors
{
    /// <param name="work">Reads its options inside the error handling too: options that cannot work end the job with their message.</param>
    public static async Task<int> RunAsync(Func<Task> work)
    {
        try
        {
            await work();
            return 0;
        }
        catch (Exception e) when (e is DatasetException or ModelIntegrityException or InvalidOperationException or IOException or ArgumentException
                                      or Azure.RequestFailedException or Npgsql.NpgsqlException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        // TorchSharp reports native libraries it cannot load (no libtorch beside the job, or one of another build) from
        // its type initialiser; its own message is a page of load trace, whose first line says what is missing.
        catch (TypeInitializationException e) when (e.TypeName == typeof(TorchSharp.torch).FullName)
        {
            await Console.Error.WriteLineAsync($"error: TorchSharp could not load libtorch: {e.InnerException?.Message.Split('\n')[0]}");
            return 1;
        }
    }
}
