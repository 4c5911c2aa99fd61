namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// The experiment's triplets: for each anchor a facet is drawn at random; the positive shares the anchor's value of
/// that facet (drawn from the images <see cref="TripletPositive"/> says), the negative does not.
/// </summary>
public sealed class TripletSampler
{
    private readonly int[][] _labels;
    private readonly int _facets;
    private readonly Random _random;
    private readonly TripletPositive _positive;

    /// <param name="labels">Per image, the index of its value on each facet.</param>
    public TripletSampler(int[][] labels, Random random, TripletPositive positive = TripletPositive.Other)
    {
        _labels = labels;
        _facets = labels[0].Length;
        _random = random;
        _positive = positive;
    }

    public (int Positive, int Negative) Sample(int anchor)
    {
        var facet = _random.Next(_facets);
        var value = _labels[anchor][facet];
        var positives = Enumerable.Range(0, _labels.Length)
            .Where(i => (i != anchor || _positive == TripletPositive.Any) && _labels[i][facet] == value).ToArray();
        var negatives = Enumerable.Range(0, _labels.Length).Where(i => _labels[i][facet] != value).ToArray();
        var positive = positives.Length == 0 ? anchor : positives[_random.Next(positives.Length)];
        return (positive, negatives[_random.Next(negatives.Length)]);
    }
}
