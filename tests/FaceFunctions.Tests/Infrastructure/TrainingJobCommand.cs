using System.Reflection;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>The training job's command line, run as its own process from the build output, as a cloud team runs it.</summary>
public static class TrainingJobCommand
{
    private static string Assembly()
    {
        var configuration = typeof(TrainingJobCommand).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        return Path.Combine(RepositoryPaths.Root, "src", "TrainingJob", "bin", configuration, "net10.0", "linux-x64", "FaceFunctions.TrainingJob.dll");
    }

    /// <summary>Its exit code and what it wrote to standard output and standard error.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var result = await ProcessRunner.RunAsync("dotnet", [Assembly(), .. args], TimeSpan.FromMinutes(2));
        return (result.ExitCode, result.Output, result.Error);
    }
}
