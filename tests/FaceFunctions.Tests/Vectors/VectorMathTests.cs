using FaceFunctions.Vectors;
using Xunit;

namespace FaceFunctions.Tests.Vectors;

public sealed class VectorMathTests
{
    [Fact]
    public void Median_is_element_wise_and_averages_the_middle_two_of_an_even_count()
    {
        var odd = VectorMath.Median([new float[] { 1, 9 }, new float[] { 5, 2 }, new float[] { 3, 4 }]);
        Assert.Equal([3f, 4f], odd);
        var even = VectorMath.Median([new float[] { 1, 9 }, new float[] { 5, 2 }, new float[] { 3, 4 }, new float[] { 7, 0 }]);
        Assert.Equal([4f, 3f], even);
    }

    [Fact]
    public void Non_negative_normalisation_clamps_then_scales_to_unit_length()
    {
        var v = new float[] { 3, -2, 4 };
        VectorMath.NonNegativeL2Normalize(v);
        Assert.Equal([0.6f, 0f, 0.8f], v);
        var zero = new float[] { -1, -1 };
        VectorMath.NonNegativeL2Normalize(zero);
        Assert.Equal([0f, 0f], zero);
    }

    [Fact]
    public void Compose_adds_and_subtracts_then_normalises()
    {
        var query = VectorMath.Compose([(new float[] { 1, 1, 0 }, 1f), (new float[] { 0, 1, 1 }, 1f), (new float[] { 0, 2, 0 }, -1f)], 3);
        Assert.Equal(1 / MathF.Sqrt(2), query[0], 5);
        Assert.Equal(0f, query[1], 5);
        Assert.Equal(1 / MathF.Sqrt(2), query[2], 5);
    }

    [Fact]
    public void A_facet_vector_is_the_unit_length_median()
    {
        var facet = VectorMath.FacetVector([new float[] { 0, 2 }, new float[] { 0, 4 }, new float[] { 6, 8 }]);
        Assert.Equal([0f, 1f], facet);
    }

    [Fact]
    public void Terms_that_cancel_compose_no_query_and_say_why()
    {
        float[] person = [0.6f, 0.8f, 0], expression = [0, 0.6f, 0.8f];
        Assert.False(VectorMath.TryCompose([(person, 1f), (person, -1f)], 3, out _, out var why));
        Assert.Contains("cancel", why);
        Assert.False(VectorMath.TryCompose([(person, 0.1f), (expression, 0.2f), (person, -0.1f), (expression, -0.2f)], 3, out _, out _));
        Assert.False(VectorMath.TryCompose([(person, -1f)], 3, out _, out _));
        float[] learned = [0.5f, -0.8f, 0.1f]; // learned facet vectors may have negative components
        Assert.False(VectorMath.TryCompose([(learned, 1f), (learned, -1f)], 3, out _, out _));
    }

    [Fact]
    public void Weights_count_relative_to_each_other_so_huge_and_tiny_ones_neither_overflow_nor_vanish()
    {
        float[] person = [0.6f, 0.8f, 0], expression = [0, 0.6f, 0.8f];
        Assert.True(VectorMath.TryCompose([(person, 1f), (expression, 1f)], 3, out var plain, out _));
        Assert.True(VectorMath.TryCompose([(person, 3e38f), (expression, 3e38f), (person, 3e38f), (person, -3e38f)], 3, out var huge, out _));
        Assert.True(VectorMath.TryCompose([(person, 1e-45f), (expression, 1e-45f)], 3, out var tiny, out _));
        for (var d = 0; d < 3; d++)
        {
            Assert.Equal(plain[d], huge[d], 5);
            Assert.Equal(plain[d], tiny[d], 5);
        }
    }
}
