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
        Parallel.ForEach(dataset.Images, image =>
        {
            using var decoded = decoder.Decode(image.Path);
            if (faces.Find(decoded).Largest is null)
                missing.Add(image);
        });
        if (missing.IsEmpty)
            return dataset;
        var left = missing.Select(i => i.Id).ToHashSet();
        return new LabelledDataset(dataset.Source, dataset.Facets, dataset.Images.Where(i => !left.Contains(i.Id)).ToList(),
        [
            .. dataset.Problems,
            .. missing.OrderBy(i => i.Id, StringComparer.Ordinal).Select(i => new DatasetProblem(Path.GetRelativePath(dataset.Source, i.Path), NoFace)),
        ]);
    }
}
