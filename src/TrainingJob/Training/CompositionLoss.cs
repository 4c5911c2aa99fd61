using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>The composition objective's settings.</summary>
/// <param name="Temperature">Divides the cosine similarities before the cross-entropy: lower is sharper.</param>
/// <param name="TransformWeight">The weight of the transform term beside the classification of the images themselves; 0 leaves it out.</param>
public sealed record CompositionTerms(double Temperature = 0.1, double TransformWeight = 0)
{
    public void Validate()
    {
        if (!(Temperature > 0 && double.IsFinite(Temperature)))
            throw new ArgumentException($"The composition temperature must be a positive number, not {Temperature}.");
        if (!(TransformWeight >= 0 && double.IsFinite(TransformWeight)))
            throw new ArgumentException($"The transform term's weight must be 0 or more, not {TransformWeight}.");
    }
}

/// <summary>
/// The composition-aware objective. Every facet value has a learnable vector, used at unit length as a facet vector
/// is; the query of a cell is the non-negative, unit-length sum of its values' vectors, exactly as serving composes. Each image is classified
/// against the queries of every cell, seen in training or not (all combinations of facet values), by cross-entropy
/// over cosine similarities at a temperature. The network thus learns embeddings that sit
/// where the sum of their facets points, which is what feature arithmetic needs for combinations it never saw.
/// With a transform weight, each image is also moved along every facet to a random other value (its embedding minus
/// its value's vector plus the other's, as <c>/api/compose</c> transforms an uploaded photo) and classified as the
/// cell it lands in, seen or not: a term for the arithmetic itself, in the manner of compositional zero-shot methods
/// that train on every combination. An image without a value on some facet (partly labelled data) is right in any
/// cell that has the values it carries, and has no cell to be moved from.
/// </summary>
public sealed class CompositionLoss : Module<Tensor, Tensor, Tensor>
{
    /// <summary>Above this many combinations, only the cells seen in training are classified against.</summary>
    public const int MaxCells = 10_000;

    /// <summary>Whether the transform term can score every combination of these facets (at most <see cref="MaxCells"/>).</summary>
    public static bool TransformTermFits(IReadOnlyList<int> valueCounts) =>
        valueCounts.Aggregate(1L, (product, count) => product * count) <= MaxCells;

    private readonly ParameterList values;
    private readonly Tensor _cells;
    private readonly Tensor _cartesianStrideTensor;
    private readonly CompositionTerms _terms;
    private readonly IReadOnlyList<int> _valueCounts;

    /// <param name="valueCounts">How many values each facet has.</param>
    /// <param name="seenCells">The cells of the training images, as value indices per facet.</param>
    public CompositionLoss(IReadOnlyList<int> valueCounts, IEnumerable<int[]> seenCells, int dimensions, CompositionTerms terms, Device device)
        : base("composition")
    {
        terms.Validate();
        values = new ParameterList();
        foreach (var count in valueCounts)
            values.Add(new Parameter(randn(count, dimensions, device: device) * 0.1));
        // Every combination is classified against up to MaxCells; past it only the seen cells, and the transform term,
        // which needs every combination, is left out (the job's log says so).
        var everyCombination = TransformTermFits(valueCounts);
        (_terms, _valueCounts) = (everyCombination ? terms : terms with { TransformWeight = 0 }, valueCounts);
        _cartesianStrides = CartesianStrides(valueCounts);
        // Images without a value on some facet are no cell of their own.
        Cells = everyCombination ? Cartesian(valueCounts) : seenCells.Where(c => c.All(v => v >= 0)).DistinctBy(Code).ToList();
        _cells = tensor(Cells.SelectMany(c => c.Select(v => (long)v)).ToArray(), [Cells.Count, valueCounts.Count], device: device);
        _cartesianStrideTensor = tensor(_cartesianStrides, device: device);
        RegisterComponents();
    }

    /// <summary>The cells classified against, as value indices per facet, in the order of the logits.</summary>
    public IReadOnlyList<int[]> Cells { get; }

    /// <param name="embeddings">Unit-length embeddings [N, D].</param>
    /// <param name="labels">Each embedding's value index on each facet, [N, F]; -1 where the image has no value on a facet.</param>
    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var units = values.Select(v => functional.normalize(v, p: 2, dim: 1)).ToList();
        Tensor? sum = null;
        for (var f = 0; f < units.Count; f++)
        {
            var term = units[f].index_select(0, _cells.select(1, f));
            sum = sum is null ? term : sum + term;
        }
        var queries = functional.normalize(functional.relu(sum!), p: 2, dim: 1);
        var loss = ClassifyAmong(embeddings, queries, Matching(labels));
        if (_terms.TransformWeight == 0)
            return loss.MoveToOuterDisposeScope();
        var full = (labels >= 0).all(1).nonzero().squeeze(1);
        if (full.shape[0] > 0)
        {
            var fullLabels = labels.index_select(0, full);
            var targets = (fullLabels * _cartesianStrideTensor).sum(1);
            loss = loss + _terms.TransformWeight * TransformLoss(embeddings.index_select(0, full), fullLabels, targets, units, queries);
        }
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Which cells each image may be, [N, cells]: those that share every value it carries. An image with a value on
    /// every facet matches one cell; one without a person label matches every person's cell with its expression.
    /// </summary>
    private Tensor Matching(Tensor labels)
    {
        Tensor? matching = null;
        for (var f = 0; f < _valueCounts.Count; f++)
        {
            var facet = labels.select(1, f).unsqueeze(1);
            var agrees = (facet < 0).logical_or(_cells.select(1, f).unsqueeze(0) == facet);
            matching = matching is null ? agrees : matching.logical_and(agrees);
        }
        return matching!;
    }

    /// <summary>
    /// Cross-entropy of the cells an image may be against all cells: minus the log of the probability that the
    /// image is one of them. With one matching cell this is the usual cross-entropy. Images that match no cell
    /// classified against (beyond <see cref="MaxCells"/>, a partly labelled image whose cells were never seen) add nothing.
    /// </summary>
    private Tensor ClassifyAmong(Tensor embeddings, Tensor queries, Tensor matching)
    {
        var rows = matching.any(1).nonzero().squeeze(1);
        if (rows.shape[0] == 0)
            return embeddings.sum() * 0;
        var logits = embeddings.index_select(0, rows).matmul(queries.t()) / _terms.Temperature;
        var right = logits.masked_fill(matching.index_select(0, rows).logical_not(), double.NegativeInfinity).logsumexp(1);
        return (logits.logsumexp(1) - right).mean();
    }

    private Tensor Classify(Tensor embeddings, Tensor queries, Tensor targets) =>
        functional.cross_entropy(embeddings.matmul(queries.t()) / _terms.Temperature, targets);

    /// <summary>
    /// Each embedding moved along each facet to a random other value, classified as the cell it lands in; the mean
    /// over facets. Cells are in <see cref="Cartesian"/> order here, so a move of one value on facet f moves the
    /// target by the product of the later facets' counts.
    /// </summary>
    private Tensor TransformLoss(Tensor embeddings, Tensor cells, Tensor targets, IReadOnlyList<Tensor> units, Tensor queries)
    {
        var loss = zeros(1, device: embeddings.device);
        long stride = 1;
        for (var f = units.Count - 1; f >= 0; f--)
        {
            var from = cells.select(1, f);
            var to = (from + randint(1, _valueCounts[f], from.shape, device: from.device)).remainder(_valueCounts[f]);
            var moved = functional.normalize(functional.relu(embeddings - units[f].index_select(0, from) + units[f].index_select(0, to)), p: 2, dim: 1);
            loss = loss + Classify(moved, queries, targets + (to - from) * stride);
            stride *= _valueCounts[f];
        }
        return loss / units.Count;
    }

    /// <summary>
    /// Each facet's learned value vectors at unit length, row-major [values, dimensions] on the CPU: facet vectors
    /// whose composition is exactly what the images were trained to match.
    /// </summary>
    public IReadOnlyList<float[]> ValueVectors()
    {
        using var _ = no_grad();
        return values.Select(v =>
        {
            using var unit = functional.normalize(v, p: 2, dim: 1).cpu();
            return unit.data<float>().ToArray();
        }).ToList();
    }

    /// <summary>A cell's index in <see cref="Cartesian"/> order is its values times these: the last facet counts fastest.</summary>
    private readonly long[] _cartesianStrides;

    private static long[] CartesianStrides(IReadOnlyList<int> counts)
    {
        var strides = new long[counts.Count];
        long stride = 1;
        for (var f = counts.Count - 1; f >= 0; f--)
        {
            strides[f] = stride;
            stride *= counts[f];
        }
        return strides;
    }

    /// <summary>A cell's value indices as one number: its index in <see cref="Cartesian"/> order.</summary>
    private long Code(int[] cell) => cell.Select((value, f) => value * _cartesianStrides[f]).Sum();

    private static List<int[]> Cartesian(IReadOnlyList<int> counts)
    {
        var cells = new List<int[]> { Array.Empty<int>() };
        foreach (var count in counts)
            cells = cells.SelectMany(prefix => Enumerable.Range(0, count).Select(v => prefix.Append(v).ToArray())).ToList();
        return cells;
    }
}
