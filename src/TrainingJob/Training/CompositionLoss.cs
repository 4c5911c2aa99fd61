using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// The composition-aware objective. Every facet value has a learnable vector, used at unit length as a facet vector
/// is; the query of a cell is the non-negative, unit-length sum of its values' vectors, exactly as serving composes. Each image is classified
/// against the queries of every cell, seen in training or not (all combinations of facet values), by cross-entropy
/// over cosine similarities at temperature <see cref="Temperature"/>. The network thus learns embeddings that sit
/// where the sum of their facets points, which is what feature arithmetic needs for combinations it never saw.
/// </summary>
public sealed class CompositionLoss : Module<Tensor, Tensor, Tensor>
{
    public const double Temperature = 0.1;
    /// <summary>Above this many combinations, only the cells seen in training are classified against.</summary>
    public const int MaxCells = 10_000;

    private readonly ParameterList values;
    private readonly Tensor _cells;

    /// <param name="valueCounts">How many values each facet has.</param>
    /// <param name="seenCells">The cells of the training images, as value indices per facet.</param>
    public CompositionLoss(IReadOnlyList<int> valueCounts, IEnumerable<int[]> seenCells, int dimensions, Device device)
        : base("composition")
    {
        values = new ParameterList();
        foreach (var count in valueCounts)
            values.Add(new Parameter(randn(count, dimensions, device: device) * 0.1));
        var all = valueCounts.Aggregate(1L, (product, count) => product * count);
        _strides = Strides(valueCounts);
        Cells = all <= MaxCells ? Cartesian(valueCounts) : seenCells.DistinctBy(Code).ToList();
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
        Tensor? sum = null;
        for (var f = 0; f < values.Count; f++)
        {
            var term = functional.normalize(values[f], p: 2, dim: 1).index_select(0, _cells.select(1, f));
            sum = sum is null ? term : sum + term;
        }
        var queries = functional.normalize(functional.relu(sum!), p: 2, dim: 1);
        var logits = embeddings.matmul(queries.t()) / Temperature;
        return functional.cross_entropy(logits, targets).MoveToOuterDisposeScope();
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
