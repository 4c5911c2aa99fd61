using Xunit;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// Where the Yale faces are: the folder FACEFUNCTIONS_YALEFACES names, else ../shared/data/yalefaces beside the
/// checkout, as on developer machines and CI (.ci/run sets the variable). Face datasets never go into the repository.
/// </summary>
public static class YaleFaces
{
    public const string Setting = "FACEFUNCTIONS_YALEFACES";

    public static string Folder => BesideCheckout.Path(Setting, "data", "yalefaces");

    public static bool Present => Directory.Exists(Folder) && Directory.EnumerateFiles(Folder).Any();

    /// <summary>Why a test on them is skipped; null when they are there.</summary>
    public static string? Absent => Present ? null : $"The Yale faces are not at {Folder}: set {Setting} to their folder.";
}

/// <summary>A fact on the Yale faces: reported skipped, with the reason, where they are absent; never passed.</summary>
public sealed class YaleFactAttribute : FactAttribute
{
    public YaleFactAttribute() => Skip = YaleFaces.Absent;
}

/// <summary>A theory on the Yale faces: reported skipped, with the reason, where they are absent; never passed.</summary>
public sealed class YaleTheoryAttribute : TheoryAttribute
{
    public YaleTheoryAttribute() => Skip = YaleFaces.Absent;
}
