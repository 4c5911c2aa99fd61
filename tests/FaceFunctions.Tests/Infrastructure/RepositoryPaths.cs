namespace FaceFunctions.Tests.Infrastructure;

public static class RepositoryPaths
{
    /// <summary>The repository root: the folder above the test assembly that holds FaceFunctions.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FaceFunctions.sln")))
                return dir.FullName;
        throw new InvalidOperationException("FaceFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}
