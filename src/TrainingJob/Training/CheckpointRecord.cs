using FaceFunctions.Artifacts;
using FaceFunctions.TrainingJob.Datasets;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// run.json in a finished checkpoint folder, beside its weights: everything the export stage needs to rebuild the
/// network and to put the same gallery and report beside it without training again, and the facet vectors the
/// composition objective learned (facets.json and facet-vectors.npy, as in a model version).
/// </summary>
/// <param name="Options">The training options as the run resolved them (its epochs counted).</param>
/// <param name="Dataset">The dataset it trained on, by fingerprint: export refuses another. Null for runs that keep no checkpoint.</param>
/// <param name="TrainedImages">The ids of the images that trained it; the rest of the dataset is unseen.</param>
public sealed record CheckpointRecord(TrainingOptions Options, DatasetFingerprint? Dataset, IReadOnlyList<string> TrainedImages,
    IReadOnlyList<double> Losses, double Seconds, double ImagesPerSecond, int? BestEpoch)
{
    public const string FileName = "run.json";

    public static void Write(string folder, CheckpointRecord record, FacetVectors? learned)
    {
        File.WriteAllBytes(Path.Combine(folder, FileName), ModelJson.Serialize(record).ToArray());
        foreach (var (name, content) in learned?.ToFiles() ?? new Dictionary<string, BinaryData>())
            File.WriteAllBytes(Path.Combine(folder, name), content.ToArray());
    }

    /// <summary>The record of a finished checkpoint, and its learned facet vectors (null where the objective learns none).</summary>
    /// <exception cref="ArgumentException">The folder holds no finished checkpoint.</exception>
    public static (CheckpointRecord Record, FacetVectors? Learned) Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!Checkpoint.IsFinished(folder) || !File.Exists(path))
            throw new ArgumentException($"'{folder}' holds no finished checkpoint (a train run writes one beside its output as OUTPUT.checkpoint); " +
                                        "an interrupted run resumes with the same train command.");
        var record = ModelJson.Deserialize<CheckpointRecord>(new BinaryData(File.ReadAllBytes(path)), FileName);
        var facetsPath = Path.Combine(folder, ArtifactNames.Facets);
        if (!File.Exists(facetsPath))
            return (record, null);
        return (record, FacetVectors.FromFiles(new BinaryData(File.ReadAllBytes(facetsPath)),
            new BinaryData(File.ReadAllBytes(Path.Combine(folder, ArtifactNames.FacetVectors)))));
    }
}
