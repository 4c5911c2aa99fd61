using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace FaceFunctions.Functions.Contract;

/// <summary>The answer of compose and search.</summary>
public sealed record SearchResponse(
    [property: Description("The model that answered.")] string ModelVersion,
    [property: Description("Best first.")] IReadOnlyList<SearchResult> Results,
    [property: Description("What the face step found in an uploaded image; null without an upload or a face step.")] FaceResult? Face = null);

public sealed record SearchResult(
    [property: Description("The gallery image's id.")] string Id,
    [property: Description("Facet name to the image's value.")] IReadOnlyDictionary<string, string> Labels,
    [property: Description("Cosine similarity to the query.")] float Score,
    [property: Description("The path of the gallery image (GET, with the same key).")] string Image);

[Description("What the model's face step found in an uploaded image.")]
public sealed record FaceResult(
    [property: Description("How many faces the face step found."), Range(0, int.MaxValue)] int Found,
    [property: Description("The face that was searched; null when none was found.")] FaceBox? Box = null);

[Description("The box of the face that was searched.")]
public sealed record FaceBox(
    [property: Description("Left edge, pixels of the upright image.")] float X,
    [property: Description("Top edge.")] float Y,
    [property: Description("Width in pixels.")] float Width,
    [property: Description("Height in pixels.")] float Height);
