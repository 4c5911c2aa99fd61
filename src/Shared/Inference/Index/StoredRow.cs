using FaceFunctions.Artifacts;

namespace FaceFunctions.Index;

/// <summary>A row of a version's trained gallery: its entry, and its vector where it was asked for.</summary>
public sealed record StoredRow(int Row, GalleryEntry Entry, float[]? Vector);
