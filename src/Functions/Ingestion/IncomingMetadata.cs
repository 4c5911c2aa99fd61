using FaceFunctions.Functions.Serving;

namespace FaceFunctions.Functions.Ingestion;

/// <summary>
/// An incoming blob's metadata as an addition's labels: each entry named (case aside) like one of the model's facets is
/// a label, its value percent-decoded (metadata is ASCII: "Zo%C3%AB" is "Zoë"); "reference" is the caller's reference,
/// "wholeimage" = true searches the whole image when no face is found. Any other entry refuses the image.
/// </summary>
public sealed record IncomingMetadata(IReadOnlyDictionary<string, string> Labels, string? Reference, bool WholeImage)
{
    public const string ReferenceKey = "reference";
    public const string WholeImageKey = "wholeimage";

    public static IncomingMetadata? Read(IDictionary<string, string> metadata, GalleryView view, out string? why)
    {
        why = null;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        string? reference = null;
        var whole = false;
        foreach (var (key, encoded) in metadata)
        {
            var value = Uri.UnescapeDataString(encoded);
            if (key.Equals(ReferenceKey, StringComparison.OrdinalIgnoreCase))
                reference = value;
            else if (key.Equals(WholeImageKey, StringComparison.OrdinalIgnoreCase))
                whole = bool.TryParse(value, out var asked) && asked;
            else if (view.FacetNames.FirstOrDefault(f => f.Equals(key, StringComparison.OrdinalIgnoreCase)) is { } facet)
                labels[facet] = value;
            else
            {
                why = $"Metadata '{key}' is neither a facet of the model ({string.Join(", ", view.FacetNames)}) nor '{ReferenceKey}' or '{WholeImageKey}'.";
                return null;
            }
        }
        return new IncomingMetadata(labels, reference, whole);
    }
}
