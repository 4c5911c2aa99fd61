using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// The composition-aware objective. Every facet value has a learnable vector, used at unit length as a facet vector
/// is; the query of a cell is the non-negative, unit-length sum of its values' vectors, exactly as serving composes. Each image is classified
/// against the queries of every cell, seen in training or not (all combinations of facet values), by cross-entropy
/// over cosine similarities at a temperature. The network thus learns embeddings that sit
/// where the sum of their facets points, which is what feature arithmetic needs for combinations it never saw.
/// With a transform weight, each image is also moved along every facet to a random other value (its embedding minus
/// its value's vector plus the other's, as <c>/api/compose</c> transforms an uploaded photo) and classified as the
/// cell it lands in, seen or not: a term for the arithmetic itself, in the manner of compositional zero-shot methods
/// that train on every combination.
/// </summary>
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

public sealed class CompositionLoss : Module<Tensor, Tensor, Tensor>
{
    /// <summary>Above this many combinations, only the cells seen in training are classified against.</summary>
    public const int MaxCells = 10_000;

    /// <summary>Whether the transform term can score every combination of these facets (at most <see cref="MaxCells"/>).</summary>
    public static bool TransformTermFits(IReadOnlyList<int> valueCounts) =>
        valueCounts.Aggregate(1L, (product, count) => product * count) <= MaxCells;

    private readonly ParameterList values;
    private readonly Tensor _cells;
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
        _strides = Strides(valueCounts);
        Cells = everyCombination ? Cartesian(valueCounts) : seenCells.DistinctBy(Code).ToList();
        _cells = tensor(Cells.SelectMany(c => c.Select(v => (long)v)).ToArray(), [Cells.Count, valueCounts.Count], device: device);
        RegisterComponents();
    }

    /// <summary>The cells classified against, as value indices per facet, in the order of the logits.</summary>
    public IReadOnlyList<int[]> Cells { get; }

    /// <summary>The index in <see cref="Cells"/> of each labelled image.</summary>
    public long[] TargetsOf(int[][] labels)
    {
        var index = Cells.Select((c, i) => (Code: Code(c), i)).ToDictionary(p => p.Code, p => (long)p.i);
        return labels.Select(l => index[Code(l)]).ToArray();
    }

    /// <param name="embeddings">Unit-length embeddings [N, D].</param>
    /// <param name="targets">The index of each embedding's cell, [N].</param>
    public override Tensor forward(Tensor embeddings, Tensor targets)
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
        var loss = Classify(embeddings, queries, targets);
        if (_terms.TransformWeight > 0)
            loss = loss + _terms.TransformWeight * TransformLoss(embeddings, targets, units, queries);
        return loss.MoveToOuterDisposeScope();
    }

    private Tensor Classify(Tensor embeddings, Tensor queries, Tensor targets) =>
        functional.cross_entropy(embeddings.matmul(queries.t()) / _terms.Temperature, targets);

    /// <summary>
    /// Each embedding moved along each facet to a random other value, classified as the cell it lands in; the mean
    /// over facets. Cells are in <see cref="Cartesian"/> order here, so a move of one value on facet f moves the
    /// target by the product of the later facets' counts.
    /// </summary>
    private Tensor TransformLoss(Tensor embeddings, Tensor targets, IReadOnlyList<Tensor> units, Tensor queries)
    {
        var cells = _cells.index_select(0, targets);
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

    private readonly long[] _strides;

    /// <summary>A cell's value indices as one number (mixed radix: each facet's index times the product of the counts before it).</summary>
    private long Code(int[] cell) => cell.Select((value, f) => value * _strides[f]).Sum();

    private static long[] Strides(IReadOnlyList<int> counts)
    {
        var strides = new long[counts.Count];
        long stride = 1;
        for (var f = 0; f < counts.Count; f++)
        {
            strides[f] = stride;
            stride *= counts[f];
        }
        return strides;
    }

    private static List<int[]> Cartesian(IReadOnlyList<int> counts)
    {
        var cells = new List<int[]> { Array.Empty<int>() };
        foreach (var count in counts)
            cells = cells.SelectMany(prefix => Enumerable.Range(0, count).Select(v => prefix.Append(v).ToArray())).ToList();
        return cells;
    }
}
