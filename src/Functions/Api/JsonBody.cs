using System.Text.Json;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// JSON from a client, parsed and then read whole once: System.Text.Json checks a string's UTF-8 (and escapes such as
/// a lone "\ud800") only when the string is read, so every string and name is read here, where failing is a 400.
/// </summary>
public static class JsonBody
{
    public const int MaxDepth = 16;

    /// <exception cref="JsonException">Not JSON, nested deeper than <see cref="MaxDepth"/>, or text that is not valid Unicode.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8)
    {
        var document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = MaxDepth });
        try
        {
            ReadAll(document.RootElement);
            return document;
        }
        catch (InvalidOperationException e)
        {
            document.Dispose();
            throw new JsonException("It holds text that is not valid Unicode (invalid UTF-8, or a lone surrogate such as \\ud800).", e);
        }
    }

    private static void ReadAll(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    ReadAll(property.Value);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    ReadAll(item);
                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }
}
