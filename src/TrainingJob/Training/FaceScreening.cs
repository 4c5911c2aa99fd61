using System.Collections.Concurrent;
using FaceFunctions.Artifacts;
using FaceFunctions.Faces;
using FaceFunctions.Imaging;
using FaceFunctions.TrainingJob.Datasets;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>With the face step, an image in which no face is found cannot train: it is listed with the reason and left out, like an unreadable file.</summary>
public static class FaceScreening
{
    public const string NoFace = "the face step found no face";

    public static LabelledDataset Screen(LabelledDataset dataset, FaceCropping settings)
    {
        using var faces = FaceCropper.Load(settings);
        var decoder = new ImageDecoder();
        var missing = new ConcurrentBag<LabelledImage>();
        var images = dataset.Images.Concat(dataset.PartlyLabelled).ToList();
        Parallel.ForEach(images, image =>
        {
            using var decoded = decoder.Decode(image.Path);
            if (faces.Find(decoded).Largest is null)
                missing.Add(image);
        });
        if (missing.IsEmpty)
            return dataset;
        var left = missing.Select(i => i.Id).ToHashSet();
        return new LabelledDataset(dataset.Source, dataset.Facets, images.Where(i => !left.Contains(i.Id)).ToList(),
        [
            .. dataset.Problems,
            .. missing.OrderBy(i => i.Id, StringComparer.Ordinal).Select(i => new DatasetProblem(FileOf(dataset, i), NoFace)),
        ]);
    }

    /// <summary>The image's file as problems name it: relative to its dataset's folder, or by its source and id where several are joined.</summary>
    private static string FileOf(LabelledDataset dataset, LabelledImage image) =>
        image.Part is null ? Path.GetRelativePath(dataset.Source, image.Path) : $"{image.Part}: {image.Id}";
}
