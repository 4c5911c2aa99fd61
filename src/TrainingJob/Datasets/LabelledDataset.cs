using FaceFunctions.Artifacts;

namespace FaceFunctions.TrainingJob.Datasets;

/// <summary>Labelled images with named facets, and the files that could not be used.</summary>
public sealed class LabelledDataset
{
    public LabelledDataset(string source, IReadOnlyList<string> facets, IReadOnlyList<LabelledImage> images,
        IReadOnlyList<DatasetProblem> problems)
    {
        Source = source;
        Facets = facets;
        Images = images;
        Problems = problems;
        if (images.Count == 0)
        {
            var why = problems.Count == 0 ? "no image files were found" :
                $"none of its {problems.Count} files could be used, e.g. {problems[0].File}: {problems[0].Reason}";
            throw new DatasetException($"The dataset at '{source}' is empty: {why}.");
        }
        if (facets.Count < 2)
            throw new DatasetException($"The dataset at '{source}' has {facets.Count} facet(s); composition needs at least two.");
        foreach (var facet in facets)
        {
            var values = Values(facet);
            if (values.Count < 2)
                throw new DatasetException(
                    $"Facet '{facet}' of the dataset at '{source}' has a single value ('{values[0]}'); every facet needs two or more.");
        }
        var duplicate = images.GroupBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new DatasetException($"Two images of the dataset at '{source}' have the id '{duplicate.Key}'.");
    }

    public string Source { get; }
    public IReadOnlyList<string> Facets { get; }
    public IReadOnlyList<LabelledImage> Images { get; }
    public IReadOnlyList<DatasetProblem> Problems { get; }

    /// <summary>The values of a facet, sorted ordinally so that every run sees the same order.</summary>
    public IReadOnlyList<string> Values(string facet) =>
        Images.Select(i => i.Labels[facet]).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>The images grouped by cell, cells in order, images in id order.</summary>
    public IReadOnlyList<IGrouping<Cell, LabelledImage>> ByCell() =>
        Images.OrderBy(i => i.Id, StringComparer.Ordinal)
            .GroupBy(i => i.CellOf(Facets))
            .OrderBy(g => g.Key)
            .ToList();

    /// <summary>The first image (by id) of every cell: the experiment's one-image-per-cell training set.</summary>
    public IReadOnlyList<LabelledImage> FirstOfEachCell() => ByCell().Select(g => g.First()).ToList();

    /// <summary>The images that train a model of this kind; the rest are its unseen images.</summary>
    public IReadOnlyList<LabelledImage> ImagesThatTrain(TrainingImages kind) => kind switch
    {
        TrainingImages.FirstOfEachCell => FirstOfEachCell(),
        TrainingImages.All => Images,
        // A cell's last image (by id) stays out when it has another, so unseen images stay measurable.
        TrainingImages.AllButOneOfEachCell => ByCell().SelectMany(g => g.Count() > 1 ? g.SkipLast(1) : g).ToList(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
