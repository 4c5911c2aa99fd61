using System.Reflection;
using System.Text.Json.Serialization;

namespace FaceFunctions.Options;

/// <summary>
/// The names by which an enum's values are written (in JSON, on the command line, in settings): each value's
/// <see cref="JsonStringEnumMemberNameAttribute"/>, or its own name. A choice among options is an enum; its names are
/// parsed here once, and an unknown one is refused with the list of those allowed.
/// </summary>
public static class Choices
{
    public static string NameOf<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? value.ToString();

    public static IReadOnlyList<string> Names<T>() where T : struct, Enum => Enum.GetValues<T>().Select(NameOf).ToList();

    /// <summary>The value named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No value has that name; the message lists those allowed.</exception>
    public static T Parse<T>(string name, string what) where T : struct, Enum =>
        TryParse<T>(name, out var value)
            ? value
            : throw new ArgumentException($"Unknown {what} '{name}': use {string.Join(", ", Names<T>())}.");

    public static bool TryParse<T>(string name, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
            if (string.Equals(NameOf(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        value = default;
        return false;
    }
}
