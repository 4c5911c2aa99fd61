using FaceFunctions.Artifacts;
using FaceFunctions.Imaging;
using FaceFunctions.TrainingJob.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// What one training run holds while it runs: the images on the device, the objective, the optimizer and the fixed
/// validation triplets; one epoch and the validation loss at a time.
/// </summary>
internal sealed class TrainingSession : IDisposable
{
    private readonly TrainingOptions _options;
    private readonly Preprocessing _preprocessing;
    private readonly Device _device;
    private readonly EmbeddingNetwork _network;
    private readonly Tensor _data;
    private readonly Tensor? _labels;
    private readonly bool _useTriplet;
    private readonly TripletSampler _sampler;
    private readonly Random _order;
    private readonly optim.Optimizer _optimizer;
    private readonly (Tensor Images, int[][] Labels)? _validation;
    private readonly (int Positive, int Negative)[]? _validationTriplets;
    private readonly Tensor? _validationLabels;

    public TrainingSession(TrainingOptions options, Preprocessing preprocessing, Device device, EmbeddingNetwork network, Tensor images,
        int[][] labels, IReadOnlyList<int> valueCounts, (Tensor Images, int[][] Labels)? validation)
    {
        (_options, _preprocessing, _device, _network, _validation) = (options, preprocessing, device, network, validation);
        _useTriplet = options.Objective.UsesTriplet();
        _sampler = new TripletSampler(labels, new Random(options.Seed), options.TripletPositive);
        _order = new Random(options.Seed + 1);
        Composition = !options.Objective.LearnsFacetVectors() ? null : new CompositionLoss(valueCounts, labels, network.OutputDimensions, options.Composition, device);
        _labels = Composition is null ? null : LabelTensor(labels, device);
        _data = images.to(device);
        // The facet value vectors may learn at their own rate: at the network's they barely turn from where they start.
        var groups = new List<TorchSharp.Modules.Adam.ParamGroup> { new(network.parameters().Where(p => p.requires_grad), lr: options.LearningRate) };
        if (Composition is not null)
            groups.Add(new(Composition.parameters(), lr: options.FacetLearningRate ?? options.LearningRate));
        _optimizer = optim.Adam(groups, options.LearningRate);
        if (validation is not { } v) return;
        var validationSampler = new TripletSampler(v.Labels, new Random(options.Seed + 2), options.TripletPositive);
        _validationTriplets = Enumerable.Range(0, v.Labels.Length).Select(validationSampler.Sample).ToArray();
        _validationLabels = Composition is null ? null : LabelTensor(v.Labels, device);
    }

    /// <summary>The composition objective, whose facet value vectors train beside the network; null for the triplet loss alone.</summary>
    public CompositionLoss? Composition { get; }

    /// <summary>Every module whose weights this run changes.</summary>
    public IReadOnlyList<nn.Module> TrainedModules => Composition is null ? [_network] : [_network, Composition];

    /// <summary>One pass over the images in a fresh order: the mean loss, and how many images went through the network.</summary>
    public (double Loss, long Images) Epoch()
    {
        var count = (int)_data.shape[0];
        var anchors = Enumerable.Range(0, count).OrderBy(_ => _order.Next()).ToArray();
        double sum = 0;
        var (steps, seen) = (0, 0L);
        foreach (var chunk in anchors.Chunk(_options.BatchSize))
        {
            using var scope = NewDisposeScope();
            var rows = chunk.AsEnumerable();
            if (_useTriplet)
            {
                var triplets = chunk.Select(_sampler.Sample).ToArray();
                rows = rows.Concat(triplets.Select(t => t.Positive)).Concat(triplets.Select(t => t.Negative));
            }
            var indices = tensor(rows.Select(i => (long)i).ToArray(), device: _device);
            var batch = _data.index_select(0, indices);
            if (_options.Augment)
                batch = Augmentation.Apply(batch, _options.Flip, _preprocessing, _options.Augmentation);
            var loss = Loss(_network.forward(batch), chunk.Length, _labels?.index_select(0, indices));
            _optimizer.zero_grad();
            loss.backward();
            _optimizer.step();
            sum += loss.item<float>();
            steps++;
            seen += indices.shape[0];
        }
        return (sum / steps, seen);
    }

    /// <summary>The objective on the validation images, unaugmented, in evaluation mode; triplets fixed once.</summary>
    public double ValidationLoss()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _network.eval();
        var (images, labels) = _validation!.Value;
        var rows = Enumerable.Range(0, labels.Length).ToList();
        if (_useTriplet)
            rows = rows.Concat(_validationTriplets!.Select(t => t.Positive)).Concat(_validationTriplets!.Select(t => t.Negative)).ToList();
        var indices = tensor(rows.Select(i => (long)i).ToArray());
        var batch = images.index_select(0, indices).to(_device);
        var value = Loss(_network.forward(batch), labels.Length, _validationLabels?.index_select(0, indices.to(_device))).item<float>();
        _network.train();
        return value;
    }

    /// <summary>
    /// The objective on unit-length outputs, or on the raw ones where the readout says so (the experiment's triplet
    /// on its classifier's outputs); with the triplet loss the batch is anchors, positives, negatives.
    /// </summary>
    private Tensor Loss(Tensor outputs, int anchors, Tensor? labels)
    {
        var embeddings = _network.Readout == EmbeddingReadout.FeatureMapMedian ? outputs : nn.functional.normalize(outputs, p: 2, dim: 1);
        var loss = zeros(1, device: _device);
        if (_useTriplet)
        {
            var parts = embeddings.split(anchors);
            loss = loss + nn.functional.relu((parts[0] - parts[1]).norm(1) - (parts[0] - parts[2]).norm(1) + _options.Margin).mean();
        }
        if (Composition is not null)
            loss = loss + Composition.forward(embeddings, labels!);
        return loss;
    }

    /// <summary>Value indices per image and facet, [N, F], -1 where an image has no value.</summary>
    private static Tensor LabelTensor(int[][] labels, Device device) =>
        tensor(labels.SelectMany(l => l.Select(v => (long)v)).ToArray(), [labels.Length, labels[0].Length], device: device);

    public void Dispose()
    {
        _optimizer.Dispose();
        _labels?.Dispose();
        _validationLabels?.Dispose();
        _data.Dispose();
        Composition?.Dispose();
    }
}
