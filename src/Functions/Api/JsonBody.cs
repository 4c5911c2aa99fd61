using System.Text.Json;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// JSON from a client, parsed and then read whole once: System.Text.Json checks a string's UTF-8 (and escapes such as
/// a lone "\ud800") only when the string is read, so every string and name is read here, where failing is a 400. A
/// member named twice in one object is refused here too: binding would keep the last, so that 17 copies of one facet
/// value would pass a limit of 16 terms as one.
/// </summary>
public static class JsonBody
{
    public const int MaxDepth = 16;

    /// <exception cref="JsonException">Not JSON, nested deeper than <see cref="MaxDepth"/>, text that is not valid Unicode, or a member named twice.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8)
    {
        var document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = MaxDepth });
        try
        {
            ReadAll(document.RootElement, "");
            return document;
        }
        catch (InvalidOperationException e)
        {
            document.Dispose();
            throw new JsonException("It holds text that is not valid Unicode (invalid UTF-8, or a lone surrogate such as \\ud800).", e);
        }
        catch (JsonException)
        {
            document.Dispose();
            throw;
        }
    }

    /// <param name="path">Where <paramref name="element"/> is, as members and indexes: "add.expression", "terms[2]".</param>
    private static void ReadAll(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var member = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (!names.Add(property.Name))
                        throw new JsonException($"The member {member} appears more than once.", member, null, null);
                    ReadAll(property.Value, member);
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                    ReadAll(item, $"{path}[{index++}]");
                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }
}
