using System.ComponentModel;
using System.Text.Json.Serialization;

namespace FaceFunctions.Functions.Contract;

/// <summary>The answer of POST /api/gallery: the image as it was added.</summary>
public sealed record AddedGalleryImage(
    [property: Description("The model that embedded it.")] string ModelVersion,
    [property: Description("The id the gallery gave it: results, GET /api/images/{id} and DELETE /api/gallery/{id} use it.")] string Id,
    [property: Description("Facet name to value, as sent; a value the model never learned gets its own vector.")] IReadOnlyDictionary<string, string> Labels,
    [property: Description("The path of the stored image (GET, with a read key).")] string Image,
    [property: Description("The caller's own reference, as sent; null without one.")] string? Reference = null,
    [property: Description("What the face step found; null without a face step.")] FaceResult? Face = null);

/// <summary>The answer of GET /api/gallery: one page of the gallery's images.</summary>
public sealed record GalleryPage(
    [property: Description("The model that answered.")] string ModelVersion,
    [property: Description("Trained images first, in their order, then added ones in the order they came.")] IReadOnlyList<GalleryImage> Images,
    [property: Description("Send as 'after' for the next page; null on the last page.")] string? Next = null);

public sealed record GalleryImage(
    [property: Description("The gallery image's id.")] string Id,
    [property: Description("Facet name to value; an added image may carry some facets or none.")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonConverter(typeof(JsonStringEnumConverter<GalleryImageSource>)), Description("Whether the model was trained with it or it was added since.")]
    GalleryImageSource Source,
    [property: Description("The path of the image (GET, with the same key).")] string Image,
    [property: Description("The caller's own reference of an added image; null otherwise.")] string? Reference = null,
    [property: Description("When an added image was added; null for trained ones.")] DateTimeOffset? AddedUtc = null);

/// <summary>Where a gallery image comes from.</summary>
public enum GalleryImageSource
{
    [JsonStringEnumMemberName("training")] Training,
    [JsonStringEnumMemberName("added")] Added,
}

/// <summary>The answer of DELETE /api/gallery: how many of the tenant's images were erased.</summary>
public sealed record ErasedImages([property: Description("Images erased; 0 when the tenant had none.")] int Erased);
