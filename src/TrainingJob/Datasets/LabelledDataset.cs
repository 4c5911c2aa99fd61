using FaceFunctions.Artifacts;

namespace FaceFunctions.TrainingJob.Datasets;

/// <summary>
/// Labelled images with named facets, and the files that could not be used. Images with a value on every facet are
/// the dataset's <see cref="Images"/>: its cells, the gallery and the protocols. Images that lack a value on some facet
/// are <see cref="PartlyLabelled"/>: they train the facets they carry and nothing else.
/// </summary>
public sealed class LabelledDataset
{
    /// <param name="images">Every image read, fully or partly labelled.</param>
    public LabelledDataset(string source, IReadOnlyList<string> facets, IReadOnlyList<LabelledImage> images,
        IReadOnlyList<DatasetProblem> problems)
    {
        Source = source;
        Facets = facets;
        Images = images.Where(i => i.Carries(facets)).ToList();
        PartlyLabelled = images.Where(i => !i.Carries(facets)).ToList();
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
                throw new DatasetException($"Facet '{facet}' of the dataset at '{source}' has " +
                    (values.Count == 0 ? "no value" : $"a single value ('{values[0]}')") + "; every facet needs two or more.");
        }
        if (Images.Count == 0)
            throw new DatasetException($"No image of the dataset at '{source}' has a value on every facet ({string.Join(", ", facets)}): " +
                                       "the gallery and the protocols need images that do.");
        var duplicate = images.GroupBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new DatasetException($"Two images of the dataset at '{source}' have the id '{duplicate.Key}'.");
    }

    public string Source { get; }
    public IReadOnlyList<string> Facets { get; }
    /// <summary>The images with a value on every facet.</summary>
    public IReadOnlyList<LabelledImage> Images { get; }
    /// <summary>The images that lack a value on some facet: they only train.</summary>
    public IReadOnlyList<LabelledImage> PartlyLabelled { get; }
    public IReadOnlyList<DatasetProblem> Problems { get; }

    /// <summary>One source read alone: its own facets, checked as a dataset.</summary>
    public static LabelledDataset Of(DatasetPart part) => new(part.Source, part.Facets, part.Images, part.Problems);

    /// <summary>
    /// Several sources as one dataset (<c>--data A --data B</c>): the facets of all of them, in order of first
    /// appearance; each image keeps the values its source gives it. Ids and problems are prefixed by the source's name.
    /// </summary>
    public static LabelledDataset Join(IReadOnlyList<DatasetPart> parts)
    {
        if (parts.Count == 1)
            return Of(parts[0]);
        var duplicate = parts.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new DatasetException($"Two datasets are named '{duplicate.Key}': give them folders of different names.");
        var facets = parts.SelectMany(p => p.Facets).Distinct(StringComparer.Ordinal).ToList();
        var images = parts.SelectMany(p => p.Images.Select(i => i with { Id = $"{p.Name}~{i.Id}", Part = p.Name })).ToList();
        var problems = parts.SelectMany(p => p.Problems.Select(problem => problem with { File = $"{p.Name}: {problem.File}" })).ToList();
        return new LabelledDataset(string.Join(" + ", parts.Select(p => p.Source)), facets, images, problems);
    }

    /// <summary>The values of a facet over every image, sorted ordinally so that every run sees the same order.</summary>
    public IReadOnlyList<string> Values(string facet) =>
        Images.Concat(PartlyLabelled).Where(i => i.Labels.ContainsKey(facet)).Select(i => i.Labels[facet])
            .Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>The values of a facet that some fully labelled image has: those the gallery and the protocols can find.</summary>
    public IReadOnlyList<string> CellValues(string facet) =>
        Images.Select(i => i.Labels[facet]).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The partly labelled images that train beside these fully labelled ones: all but those that could belong to a
    /// cell left out of them (a held-out combination, an enrolled person), which would leak it.
    /// </summary>
    public IReadOnlyList<LabelledImage> PartlyLabelledBeside(IReadOnlyList<LabelledImage> training)
    {
        var trained = training.Select(i => i.CellOf(Facets)).ToHashSet();
        var leftOut = ByCell().Select(g => g.Key).Where(c => !trained.Contains(c)).ToList();
        return PartlyLabelled.Where(i => !leftOut.Any(c => i.AgreesWith(c, Facets))).ToList();
    }

    /// <summary>What each source brought: one entry per source, or one for the whole dataset read from one.</summary>
    public IReadOnlyList<DatasetSourceSummary> Sources() =>
        Images.Concat(PartlyLabelled).GroupBy(i => i.Part ?? Path.GetFileName(Source))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DatasetSourceSummary(g.Key, g.Count(), g.Count(i => i.Carries(Facets)),
                Facets.ToDictionary(f => f, f => g.Count(i => i.Labels.ContainsKey(f)))))
            .ToList();

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
