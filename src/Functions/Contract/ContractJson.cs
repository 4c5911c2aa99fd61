using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace FaceFunctions.Functions.Contract;

/// <summary>
/// How the HTTP contract's records are read and written: camelCase names, matched exactly; a member the record does
/// not have is refused (a typo is an error, not a silently ignored option); numbers are JSON numbers, not strings.
/// The OpenAPI document's schemas are generated from the same records with these options (<see cref="OpenApiSchemas"/>).
/// </summary>
public static partial class ContractJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        MaxDepth = 16,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    /// <summary>
    /// Binds <paramref name="element"/> to <typeparamref name="T"/>; on a mismatch, null and the member of the body
    /// that did not fit (its path's segments: "add", "expression", "HA"), for the record to say what it allows.
    /// </summary>
    public static T? Read<T>(JsonElement element, out IReadOnlyList<string>? misfit) where T : class
    {
        misfit = null;
        try
        {
            return element.Deserialize<T>(Options) ?? throw new JsonException("null", "$", null, null);
        }
        catch (JsonException e)
        {
            misfit = Segments(UnmappedMember(e.Message) is { } member ? $"{e.Path}.{member}" : e.Path);
            return null;
        }
    }

    /// <summary>The member a "could not be mapped" exception names; System.Text.Json's path then ends at its parent.</summary>
    private static string? UnmappedMember(string message) => Unmapped().Match(message) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex("The JSON property '(.*)' could not be mapped to any \\.NET member")]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"\.([^.\[]+)|\['((?:[^']|'')*)'\]|\[(\d+)\]")]
    private static partial Regex PathSegment();

    private static List<string> Segments(string? path) =>
        path is null ? [] : PathSegment().Matches(path).Select(m => m.Groups[1].Success ? m.Groups[1].Value
            : m.Groups[2].Success ? m.Groups[2].Value.Replace("''", "'") : m.Groups[3].Value).ToList();
}
