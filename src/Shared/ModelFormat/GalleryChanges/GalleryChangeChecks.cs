using FaceFunctions.Artifacts;

namespace FaceFunctions.GalleryChanges;

/// <summary>
/// The rules a change must meet, whoever wrote it: the API checks a request against them before it writes, and readers
/// check every blob of the log again (storage is hostile too).
/// </summary>
public static class GalleryChangeChecks
{
    public const int MaxLabels = 16;
    public const int MaxValueLength = 128;
    public const int MaxReferenceLength = 256;
    public const int MaxDimensions = 8192;
    public const int MaxTenantLength = 128;

    /// <summary>Why a label value cannot be stored, or null: 1 to 128 characters, no control characters, no comma (filters list values with commas).</summary>
    public static string? WhyNotValue(string? value) =>
        value is not { Length: > 0 and <= MaxValueLength } ? $"a label value has 1 to {MaxValueLength} characters"
        : value.Any(char.IsControl) || value.Contains(',') ? "a label value has no control characters and no comma"
        : null;

    public static string? WhyNotReference(string? reference) =>
        reference is null || (reference.Length <= MaxReferenceLength && !reference.Any(char.IsControl))
            ? null
            : $"a reference has at most {MaxReferenceLength} characters and no control characters";

    /// <summary>Why a tenant cannot own images, or null: 1 to 128 characters, no control characters (a claim's value is hostile too).</summary>
    public static string? WhyNotTenant(string tenant) =>
        tenant.Length is > 0 and <= MaxTenantLength && !tenant.Any(char.IsControl)
            ? null
            : $"a tenant has 1 to {MaxTenantLength} characters and no control characters";

    public static string? Why(GalleryChange change)
    {
        if (change.Sequence <= 0) return "its number is not positive";
        if (change.Redacted) return change.Added is null && change.Erased is null ? null : "a redacted change carries data";
        if ((change.Added is null) == (change.Erased is null)) return "it must add or erase, one of the two";
        if (change.Erased is { } erased) return IsId(erased) ? null : "the erased id is not an id";
        return Why(change.Added!);
    }

    public static string? Why(GallerySnapshot snapshot) =>
        snapshot.Through < 0 || snapshot.Additions is null || snapshot.ErasedTrainingIds is null ? "it lacks its parts"
        : snapshot.Additions.Select(Why).FirstOrDefault(why => why is not null)
          ?? (snapshot.ErasedTrainingIds.All(IsId) ? null : "an erased id is not an id");

    private static string? Why(AddedImage added)
    {
        if (!IsId(added.Id)) return "the id is not an id";
        if (!IsImageName(added.Image)) return "the image is not a gallery image name";
        if (added.Labels is null || added.Labels.Count > MaxLabels) return $"it has no labels object or more than {MaxLabels} labels";
        if (added.Labels.Any(l => WhyNotValue(l.Key) is not null || WhyNotValue(l.Value) is not null)) return "a label is not valid";
        if (WhyNotReference(added.Reference) is { } why) return why;
        if (added.Tenant is { } tenant && WhyNotTenant(tenant) is { } notTenant) return notTenant;
        if (added.ModelVersion is null || added.Vector is not { Length: > 0 } || added.Vector.Length % 4 != 0 || added.Vector.Length > 4 * MaxDimensions)
            return "its vector or model version is missing";
        return added.Floats().All(float.IsFinite) ? null : "its vector has values that are not finite";
    }

    private static bool IsId(string? id) => Catches(() => StoredNames.GalleryId(id));

    private static bool IsImageName(string? name) => Catches(() => StoredNames.GalleryImage(name));

    private static bool Catches(Action check)
    {
        try
        {
            check();
            return true;
        }
        catch (ModelIntegrityException)
        {
            return false;
        }
    }
}
