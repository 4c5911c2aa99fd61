using System.Runtime.InteropServices;
using FaceFunctions.Artifacts;

namespace FaceFunctions.GalleryChanges;

/// <summary>
/// An image added to the gallery after training (POST /api/gallery or the incoming container): its labels, which may
/// name values the model never learned, the PNG in the image store, and its vector as embedded by
/// <see cref="ModelVersion"/> (other versions embed the stored image again when they load).
/// </summary>
public sealed record AddedImage
{
    public required string Id { get; init; }
    /// <summary>Facet name to value; facets the image is not labelled with are absent.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    /// <summary>Name of the PNG in the image store.</summary>
    public required string Image { get; init; }
    /// <summary>The caller's own reference for the image (its id in the app's database), if it gave one.</summary>
    public string? Reference { get; init; }
    /// <summary>The tenant that owns the image (only its callers see it), or null: the shared gallery, which every caller sees.</summary>
    public string? Tenant { get; init; }
    public required DateTimeOffset AddedUtc { get; init; }
    /// <summary>The model version that embedded <see cref="Vector"/>.</summary>
    public required string ModelVersion { get; init; }
    /// <summary>The unit-length embedding as little-endian float32 bytes (base64 in JSON: a quarter of the text of numbers).</summary>
    public required byte[] Vector { get; init; }

    public float[] Floats() => MemoryMarshal.Cast<byte, float>(Vector).ToArray();

    public static byte[] BytesOf(ReadOnlySpan<float> vector) => MemoryMarshal.AsBytes(vector).ToArray();

    public GalleryEntry Entry() => new(Id, Labels, Image);
}

/// <summary>
/// One entry of the change log: an addition, an erasure (of an added image or of one the model was trained with), or
/// a redacted addition whose image was erased afterwards (its labels and vector are gone; the number stays taken).
/// </summary>
public sealed record GalleryChange(long Sequence, AddedImage? Added = null, string? Erased = null, bool Redacted = false);

/// <summary>The folded log up to <see cref="Through"/>: what compaction writes, so that older changes can go.</summary>
public sealed record GallerySnapshot(long Through, IReadOnlyList<GalleryChange> Additions, IReadOnlyList<string> ErasedTrainingIds);
