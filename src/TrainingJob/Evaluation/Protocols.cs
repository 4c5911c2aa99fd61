using FaceFunctions.Artifacts;
using FaceFunctions.Index;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.Vectors;

namespace FaceFunctions.TrainingJob.Evaluation;

/// <summary>Top-1 (and friends) with the figure random vectors reach through the same protocol beside it.</summary>
/// <param name="Top1DuplicatesEitherWay">Top-1 when a pixel-identical copy of a right image counts as right; null without duplicates.</param>
/// <param name="ByValue">Top-1 of the queries for each value of each facet (facet, then value): which values go wrong.</param>
/// <param name="Misses">Where the queries that missed landed instead, per facet.</param>
public sealed record ProtocolResult(int Queries, double? Top1, double? PrecisionAt5, double? MeanAveragePrecision, int Ties, double? Chance,
    string? Note = null, double? Top1DuplicatesEitherWay = null,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, ValueTop1>>? ByValue = null,
    IReadOnlyDictionary<string, FacetMisses>? Misses = null)
{
    public static ProtocolResult NotApplicable(string why) => new(0, null, null, null, 0, null, why);

    /// <summary>Query-weighted means of several results (the folds of a protocol).</summary>
    public static ProtocolResult Pool(IReadOnlyList<ProtocolResult> parts)
    {
        var queries = parts.Sum(p => p.Queries);
        double? Mean(Func<ProtocolResult, double?> value) =>
            parts.All(p => value(p) is not null) ? parts.Sum(p => value(p)!.Value * p.Queries) / queries : null;
        var byValue = new ValueTally();
        var misses = new MissTally();
        foreach (var part in parts)
        {
            byValue.Add(part.ByValue);
            misses.Add(part.Misses);
        }
        return new ProtocolResult(queries, Mean(p => p.Top1), Mean(p => p.PrecisionAt5), Mean(p => p.MeanAveragePrecision),
            parts.Sum(p => p.Ties), Mean(p => p.Chance), $"{parts.Count} folds", Mean(p => p.Top1DuplicatesEitherWay),
            byValue.Result(), misses.Result());
    }
}

/// <summary>Of the queries that missed, how many still found this facet's value, and the asked-to-found pairs where they did not.</summary>
/// <param name="Confusions">"asked -> found" with their counts, most frequent first (at most ten).</param>
public sealed record FacetMisses(int Misses, int ValueRight, IReadOnlyDictionary<string, int> Confusions);

/// <summary>Counts, per facet, the misses that kept the facet's value and the confusions of those that did not.</summary>
internal sealed class MissTally
{
    private const int MostFrequent = 10;
    private readonly Dictionary<string, (int Misses, int Right, Dictionary<string, int> Confusions)> _counts = [];

    public void Add(IReadOnlyList<string> facets, Cell asked, Cell found)
    {
        for (var f = 0; f < facets.Count; f++)
        {
            var right = asked.Values[f] == found.Values[f];
            Add(facets[f], 1, right ? 1 : 0, right ? [] : new Dictionary<string, int> { [$"{asked.Values[f]} -> {found.Values[f]}"] = 1 });
        }
    }

    public void Add(IReadOnlyDictionary<string, FacetMisses>? results)
    {
        foreach (var (facet, misses) in results ?? new Dictionary<string, FacetMisses>())
            Add(facet, misses.Misses, misses.ValueRight, misses.Confusions);
    }

    private void Add(string facet, int misses, int right, IReadOnlyDictionary<string, int> confusions)
    {
        var (m, r, c) = _counts.TryGetValue(facet, out var counts) ? counts : (0, 0, new Dictionary<string, int>());
        foreach (var (pair, count) in confusions)
            c[pair] = c.GetValueOrDefault(pair) + count;
        _counts[facet] = (m + misses, r + right, c);
    }

    public IReadOnlyDictionary<string, FacetMisses>? Result() =>
        _counts.Count == 0
            ? null
            : _counts.ToDictionary(f => f.Key, f => new FacetMisses(f.Value.Misses, f.Value.Right,
                f.Value.Confusions.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(MostFrequent)
                    .ToDictionary(p => p.Key, p => p.Value)));
}

/// <param name="Queries">Queries whose cell (or, for transform, whose target) has the value.</param>
public sealed record ValueTop1(int Queries, double Top1);

/// <summary>Counts queries and hits per value of each facet; values come out in ordinal order, as the dataset lists them.</summary>
internal sealed class ValueTally
{
    private readonly Dictionary<string, Dictionary<string, (int Queries, double Hits)>> _counts = [];

    public void Add(string facet, string value, bool hit) => Add(facet, value, 1, hit ? 1 : 0);

    public void Add(IReadOnlyDictionary<string, IReadOnlyDictionary<string, ValueTop1>>? results)
    {
        if (results is null) return;
        foreach (var (facet, values) in results)
        foreach (var (value, result) in values)
            Add(facet, value, result.Queries, result.Top1 * result.Queries);
    }

    private void Add(string facet, string value, int queries, double hits)
    {
        if (!_counts.TryGetValue(facet, out var values))
            _counts[facet] = values = [];
        var (q, h) = values.GetValueOrDefault(value);
        values[value] = (q + queries, h + hits);
    }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, ValueTop1>>? Result() =>
        _counts.Count == 0
            ? null
            : _counts.ToDictionary(f => f.Key, f => (IReadOnlyDictionary<string, ValueTop1>)f.Value
                .OrderBy(v => v.Key, StringComparer.Ordinal)
                .ToDictionary(v => v.Key, v => new ValueTop1(v.Value.Queries, v.Value.Hits / v.Value.Queries)));
}

/// <summary>
/// The evaluation protocols (docs/accuracy.md). Facet vectors are medians of the images the protocol allows, or those
/// the objective learned from the training images when the set carries them; a query
/// is the non-negative unit sum of its cell's facet vectors, as serving composes; hits carry exactly the cell's labels.
/// </summary>
public static class Protocols
{
    /// <summary>
    /// The original experiment's protocol: facet vectors from the training images, every cell queried once against the
    /// training images. It leaks: a cell's own image is inside the medians of its query.
    /// </summary>
    public static ProtocolResult SeedProtocol(EmbeddedSet set, int seed) =>
        WithChance(set, seed, s =>
        {
            var trained = s.Subset(r => s.Trained[r]);
            return CellQueries(trained.FacetVectors(), trained, trained.Labels.Select((_, r) => trained.CellOf(r)).Distinct());
        });

    /// <summary>Cells the original experiment's protocol draws.</summary>
    public const int ExperimentDraws = 100;

    /// <summary>
    /// The original experiment's protocol as it ran: <see cref="ExperimentDraws"/> cells drawn at random (with
    /// replacement) from those of the training images, each queried, with facet vectors from the training images,
    /// against the training images. It leaks as <see cref="SeedProtocol"/> does, which queries every cell once instead;
    /// its figure moves with the draw (one draw of 100 has a standard error of up to 0.05).
    /// </summary>
    public static ProtocolResult ExperimentProtocol(EmbeddedSet set, int seed) =>
        WithChance(set, seed, s =>
        {
            var trained = s.Subset(r => s.Trained[r]);
            var cells = trained.Labels.Select((_, r) => trained.CellOf(r)).Distinct().ToList();
            var draw = new Random(seed);
            return CellQueries(trained.FacetVectors(), trained, Enumerable.Range(0, ExperimentDraws).Select(_ => cells[draw.Next(cells.Count)]).ToList());
        });

    /// <summary>Facet vectors from the training images; every cell queried against the images that did not train.</summary>
    public static ProtocolResult UnseenImages(EmbeddedSet set, int seed)
    {
        var others = set.Subset(r => !set.Trained[r]);
        if (others.Count == 0)
            return ProtocolResult.NotApplicable("every image trained the model (one image per cell)");
        return WithChance(set, seed, s =>
        {
            var gallery = s.Subset(r => !s.Trained[r]);
            return CellQueries(s.Subset(r => s.Trained[r]).FacetVectors(), gallery, gallery.Labels.Select((_, r) => gallery.CellOf(r)).Distinct());
        });
    }

    /// <summary>
    /// Cells held out of training: facet vectors from the fold's training images, each held-out cell queried against
    /// every image. <paramref name="set"/> is embedded by the fold's model; <paramref name="heldOut"/> names its cells.
    /// </summary>
    public static ProtocolResult HeldOutCells(EmbeddedSet set, IReadOnlyCollection<Cell> heldOut, int seed) =>
        WithChance(set, seed, s => CellQueries(s.Subset(r => s.Trained[r]).FacetVectors(), s, heldOut));

    /// <summary>
    /// Every image minus its facet vector plus another value's, for every facet and value: a hit when the nearest
    /// other image carries the image's other labels and the target value. Facet vectors from every image, as served.
    /// </summary>
    public static ProtocolResult Transform(EmbeddedSet set, int seed) =>
        WithChance(set, seed, s => Transforms(s, s.FacetVectors(), (_, _, _) => true));

    /// <summary>
    /// Persons never trained on, enrolled as the API enrols them: the set's facet vectors (its learned ones, or medians
    /// of the training images where it has none) and, for each value of <paramref name="enrolled"/>'s facet that no
    /// training image carries, the median of all its images' vectors (<see cref="FacetVectors.WithValues"/>, the code
    /// the API's gallery view runs). Compose: every cell of an
    /// enrolled value queried against every image. Transform: every image of an enrolled value changed along the other
    /// facets, and every other image changed to an enrolled value. On a set embedded by a model that trained on them
    /// (no value then needs enrolling), the same queries give the figures to compare with.
    /// </summary>
    public static (ProtocolResult Compose, ProtocolResult Transform) Enrolled(EmbeddedSet set, (string Facet, IReadOnlySet<string> Values) enrolled, int seed)
    {
        FacetVectors Facets(EmbeddedSet s)
        {
            var trained = s.Subset(r => s.Trained[r]);
            var known = s.Learned ?? trained.FacetVectors();
            return known.WithValues(s.Labels.Select((labels, row) => (labels, row)).GroupBy(l => l.labels[enrolled.Facet])
                .Where(g => enrolled.Values.Contains(g.Key))
                .Select(g => (enrolled.Facet, g.Key, (IReadOnlyList<ReadOnlyMemory<float>>)g.Select(l => s.Vector(l.row)).ToList())));
        }
        var cells = Enumerable.Range(0, set.Count).Where(r => enrolled.Values.Contains(set.Labels[r][enrolled.Facet])).Select(set.CellOf).Distinct().ToList();
        var compose = WithChance(set, seed, s => CellQueries(Facets(s), s, cells));
        var transform = WithChance(set, seed, s => Transforms(s, Facets(s), (row, facet, target) =>
            enrolled.Values.Contains(s.Labels[row][enrolled.Facet]) ? facet != enrolled.Facet : facet == enrolled.Facet && enrolled.Values.Contains(target)));
        return (compose, transform);
    }

    /// <summary>The transforms <paramref name="asked"/> (row, facet, target value) allows, with these facet vectors.</summary>
    private static Score Transforms(EmbeddedSet s, FacetVectors facets, Func<int, string, string, bool> asked)
    {
        var index = new ExactVectorIndex(s.Vectors, s.Dimensions);
        int queries = 0, hits = 0, ties = 0, hitsEitherWay = 0;
        var byValue = new ValueTally();
        // A value that only partly labelled images trained has a vector but no image to find: no query goes there.
        var cells = Enumerable.Range(0, s.Count).Select(s.CellOf).ToHashSet();
        for (var row = 0; row < s.Count; row++)
        foreach (var facet in facets.Facets)
        foreach (var target in facet.Values.Where(v => v.Value != s.Labels[row][facet.Name] && asked(row, facet.Name, v.Value)))
        {
            var wanted = s.Facets.Select(f => f == facet.Name ? target.Value : s.Labels[row][f]).ToList();
            if (!cells.Contains(new Cell(wanted))) continue;
            facets.TryGet(facet.Name, s.Labels[row][facet.Name], out var from);
            facets.TryGet(facet.Name, target.Value, out var to);
            var query = VectorMath.Compose([(s.Vector(row), 1f), (from, -1f), (to, 1f)], s.Dimensions);
            var found = index.Search(query, 3).Where(h => h.Row != row).ToList();
            bool Right(EmbeddedSet set, int r) => set.Facets.Zip(wanted).All(p => set.Labels[r][p.First] == p.Second);
            queries++;
            if (found.Count > 1 && found[0].Score == found[1].Score) ties++;
            var hit = Right(s, found[0].Row);
            if (hit) hits++;
            byValue.Add(facet.Name, target.Value, hit);
            if (s.EitherDuplicate(found[0].Row, Right)) hitsEitherWay++;
        }
        return new Score(queries, (double)hits / queries, null, null, ties, s.HasDuplicates ? (double)hitsEitherWay / queries : null,
            byValue.Result());
    }

    private sealed record Score(int Queries, double Top1, double? PrecisionAt5, double? MeanAveragePrecision, int Ties,
        double? Top1DuplicatesEitherWay, IReadOnlyDictionary<string, IReadOnlyDictionary<string, ValueTop1>>? ByValue,
        IReadOnlyDictionary<string, FacetMisses>? Misses = null);

    private static ProtocolResult WithChance(EmbeddedSet set, int seed, Func<EmbeddedSet, Score> protocol)
    {
        var real = protocol(set);
        var chance = protocol(set.WithRandomVectors(seed));
        return new ProtocolResult(real.Queries, real.Top1, real.PrecisionAt5, real.MeanAveragePrecision, real.Ties, chance.Top1,
            Top1DuplicatesEitherWay: real.Top1DuplicatesEitherWay, ByValue: real.ByValue, Misses: real.Misses);
    }

    /// <summary>Queries each cell (composed of <paramref name="facets"/>) against <paramref name="gallery"/>.</summary>
    private static Score CellQueries(FacetVectors facets, EmbeddedSet gallery, IEnumerable<Cell> cells)
    {
        var index = new ExactVectorIndex(gallery.Vectors, gallery.Dimensions);
        var cellOfRow = Enumerable.Range(0, gallery.Count).Select(gallery.CellOf).ToArray();
        int queries = 0, hits = 0, ties = 0, hitsEitherWay = 0;
        double precision5 = 0, averagePrecision = 0;
        var byValue = new ValueTally();
        var misses = new MissTally();
        foreach (var cell in cells)
        {
            var values = cell.Values;
            var terms = new List<(ReadOnlyMemory<float>, float)>();
            for (var f = 0; f < values.Count; f++)
            {
                if (!facets.TryGet(gallery.Facets[f], values[f], out var vector))
                    throw new InvalidOperationException($"No training image has {gallery.Facets[f]} = {values[f]}.");
                terms.Add((vector, 1f));
            }
            var relevant = cellOfRow.Count(c => c == cell);
            if (relevant == 0) continue;
            var ranking = index.Search(VectorMath.Compose(terms, gallery.Dimensions), gallery.Count);
            queries++;
            if (ranking.Count > 1 && ranking[0].Score == ranking[1].Score) ties++;
            var hit = cellOfRow[ranking[0].Row] == cell;
            if (hit) hits++;
            else misses.Add(gallery.Facets, cell, cellOfRow[ranking[0].Row]);
            for (var f = 0; f < values.Count; f++)
                byValue.Add(gallery.Facets[f], values[f], hit);
            if (gallery.EitherDuplicate(ranking[0].Row, (set, r) => set.CellOf(r) == cell)) hitsEitherWay++;
            precision5 += ranking.Take(5).Count(h => cellOfRow[h.Row] == cell) / (double)Math.Min(5, relevant);
            double found = 0, sum = 0;
            for (var rank = 0; rank < ranking.Count && found < relevant; rank++)
                if (cellOfRow[ranking[rank].Row] == cell)
                    sum += ++found / (rank + 1);
            averagePrecision += sum / relevant;
        }
        return new Score(queries, (double)hits / queries, precision5 / queries, averagePrecision / queries, ties,
            gallery.HasDuplicates ? (double)hitsEitherWay / queries : null, byValue.Result(), misses.Result());
    }
}
