namespace FaceFunctions.TrainingJob.Datasets;

/// <summary>
/// One source's images as read, before the sources of a run are joined into a <see cref="LabelledDataset"/>: its
/// facets may be fewer than the run's (a set of expression photos without person labels), and its images may lack
/// a value on some of them.
/// </summary>
/// <param name="Name">Names the source in image ids and in report.json where a run joins several.</param>
/// <param name="Source">Where it was read from.</param>
public sealed record DatasetPart(string Name, string Source, IReadOnlyList<string> Facets, IReadOnlyList<LabelledImage> Images,
    IReadOnlyList<DatasetProblem> Problems);

/// <summary>What one source brought to a run, for report.json.</summary>
/// <param name="Images">Its images that were used.</param>
/// <param name="FullyLabelled">Those with a value on every facet of the run: gallery, protocols and training.</param>
/// <param name="Labelled">Per facet of the run, how many of its images carry a value; the rest only train the other facets.</param>
public sealed record DatasetSourceSummary(string Name, int Images, int FullyLabelled, IReadOnlyDictionary<string, int> Labelled);
