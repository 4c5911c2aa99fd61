using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using FaceFunctions.TrainingJob.Datasets;

namespace FaceFunctions.TrainingJob.Publishing;

/// <summary>
/// Every image of a dataset as the gallery serves it: its entry (id, labels, image name) and its PNG, named by content,
/// so pixel-identical images share a name.
/// </summary>
public sealed record Gallery(IReadOnlyList<GalleryEntry> Entries, IReadOnlyDictionary<string, byte[]> Images)
{
    public static Gallery Of(LabelledDataset dataset, ImageDecoder decoder)
    {
        var images = new Dictionary<string, byte[]>();
        var entries = new List<GalleryEntry>();
        foreach (var image in dataset.Images)
        {
            using var decoded = decoder.Decode(image.Path);
            var (name, png) = GalleryImages.Encode(decoded);
            images[name] = png;
            entries.Add(new GalleryEntry(image.Id, image.Labels, name));
        }
        return new Gallery(entries, images);
    }

    /// <summary>Each entry's image name, in dataset order: equal names are pixel-identical images.</summary>
    public IReadOnlyList<string> Content => Entries.Select(e => e.Image).ToList();

    /// <summary>Groups of pixel-identical images, by id: the protocols count them either way, and the report lists them.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Duplicates => Entries.GroupBy(e => e.Image).Where(g => g.Count() > 1)
        .Select(g => (IReadOnlyList<string>)g.Select(e => e.Id).ToList()).ToList();
}
