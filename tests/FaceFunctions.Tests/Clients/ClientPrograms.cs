using FaceFunctions.Tests.Infrastructure;

namespace FaceFunctions.Tests.Clients;

public enum ClientGenerator
{
    Kiota,
    NSwag,
}

/// <summary>
/// The programs of tests/clients, one per generator, and the generator's command line (dotnet tools of
/// dotnet-tools.json, restored by scripts/test.sh), as README tells client teams to run it.
/// </summary>
public static class ClientPrograms
{
    public static string Copy(ClientGenerator generator, string destination)
    {
        var source = Path.Combine(RepositoryPaths.Root, "tests", "clients", Folder(generator));
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source))
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        return destination;
    }

    public static Task<ProcessRunner.Result> GenerateAsync(ClientGenerator generator, string document, string program)
    {
        var output = Path.Combine(program, "Generated");
        string[] args = generator switch
        {
            ClientGenerator.Kiota => ["kiota", "generate", "--language", "CSharp", "--openapi", document, "--output", output,
                "--namespace-name", "FaceClient.Kiota", "--class-name", "FaceApiClient", "--log-level", "Warning"],
            ClientGenerator.NSwag => ["nswag", "openapi2csclient", $"/input:{document}", $"/output:{Path.Combine(output, "FaceApiClient.cs")}",
                "/namespace:FaceClient.NSwag", "/className:FaceApiClient", "/jsonLibrary:SystemTextJson"],
            _ => throw new ArgumentOutOfRangeException(nameof(generator), generator, null),
        };
        Directory.CreateDirectory(output);
        // Kiota looks for a newer release on GitHub unless told it is offline.
        return ProcessRunner.RunAsync("dotnet", args, TimeSpan.FromMinutes(3),
            environment: new Dictionary<string, string> { ["KIOTA_OFFLINE_ENABLED"] = "true", ["KIOTA_TUTORIAL_ENABLED"] = "false" });
    }

    public static string Assembly(ClientGenerator generator, string program) =>
        Path.Combine(program, "bin", "Release", "net10.0", $"{ProjectName(generator)}.dll");

    private static string Folder(ClientGenerator generator) => generator.ToString().ToLowerInvariant();

    private static string ProjectName(ClientGenerator generator) => $"{generator}ClientCheck";
}
