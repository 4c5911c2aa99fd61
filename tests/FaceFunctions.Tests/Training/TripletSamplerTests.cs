using FaceFunctions.TrainingJob.Training;
using Xunit;

namespace FaceFunctions.Tests.Training;

/// <summary>Where a triplet's positive comes from: another image with the anchor's value, or any, the anchor among them (the notebook's draw).</summary>
public sealed class TripletSamplerTests
{
    // Two persons x two expressions, one image a cell: each anchor shares each value with one other image.
    private static readonly int[][] Labels = [[0, 0], [0, 1], [1, 0], [1, 1]];

    private static List<(int Positive, int Negative)> Draws(TripletPositive positive)
    {
        var sampler = new TripletSampler(Labels, new Random(7), positive);
        return Enumerable.Range(0, 400).Select(_ => sampler.Sample(0)).ToList();
    }

    [Fact]
    public void Other_never_draws_the_anchor_where_another_image_shares_its_value()
    {
        var draws = Draws(TripletPositive.Other);
        Assert.DoesNotContain(draws, d => d.Positive == 0);
        Assert.All(draws, d => Assert.True(Labels[d.Positive][0] == 0 || Labels[d.Positive][1] == 0));
    }

    [Fact]
    public void Any_draws_the_anchor_itself_about_as_often_as_the_other_image_with_its_value()
    {
        var draws = Draws(TripletPositive.Any);
        var itself = draws.Count(d => d.Positive == 0);
        // Each facet's value is shared by the anchor and one other image: the anchor is drawn half the time.
        Assert.InRange(itself, 150, 250);
        Assert.DoesNotContain(draws, d => d.Negative == 0);
    }
}
