namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// Where a test finds data that never goes into the repository: the path an environment variable names, else the
/// path under ../shared beside the checkout, as on developer machines and CI (.ci/run sets the variables).
/// </summary>
public static class BesideCheckout
{
    public static string Path(string setting, params string[] underShared) =>
        Environment.GetEnvironmentVariable(setting) is { Length: > 0 } path
            ? System.IO.Path.GetFullPath(path)
            : System.IO.Path.GetFullPath(System.IO.Path.Combine([RepositoryPaths.Root, "..", "shared", .. underShared]));
}
