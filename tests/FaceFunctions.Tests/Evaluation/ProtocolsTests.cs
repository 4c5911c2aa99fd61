using FaceFunctions.Artifacts;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Evaluation;
using FaceFunctions.Vectors;
using Xunit;

namespace FaceFunctions.Tests.Evaluation;

public sealed class ProtocolsTests
{
    /// <summary>
    /// Vectors that add up by construction: one axis per person and per expression, plus a little noise; the first
    /// variant of each cell "trained".
    /// </summary>
    private static EmbeddedSet Additive(int persons = 5, int expressions = 4, int variants = 2, double noise = 0.05, string personPrefix = "P")
    {
        var random = new Random(11);
        var dimensions = persons + expressions;
        var labels = new List<IReadOnlyDictionary<string, string>>();
        var vectors = new List<float>();
        var trained = new List<bool>();
        for (var p = 0; p < persons; p++)
        for (var e = 0; e < expressions; e++)
        for (var v = 0; v < variants; v++)
        {
            var vector = new float[dimensions];
            vector[p] = 1;
            vector[persons + e] = 1;
            for (var d = 0; d < dimensions; d++) vector[d] += (float)(random.NextDouble() * noise);
            VectorMath.NonNegativeL2Normalize(vector);
            vectors.AddRange(vector);
            labels.Add(new Dictionary<string, string> { ["person"] = $"{personPrefix}{p}", ["expression"] = $"E{e}" });
            trained.Add(v == 0);
        }
        return new EmbeddedSet(["person", "expression"], labels, vectors.ToArray(), dimensions, trained);
    }

    [Fact]
    public void Additive_vectors_score_perfectly_and_random_ones_do_not()
    {
        var set = Additive();
        var unseen = Protocols.UnseenImages(set, seed: 1);
        Assert.Equal(20, unseen.Queries);
        Assert.Equal(1.0, unseen.Top1);
        Assert.Equal(1.0, unseen.MeanAveragePrecision);
        Assert.True(unseen.Chance < 0.5, $"chance {unseen.Chance}");
        var transform = Protocols.Transform(set, seed: 1);
        Assert.Equal(40 * (4 + 3), transform.Queries);
        Assert.Equal(1.0, transform.Top1);
        Assert.True(transform.Chance < transform.Top1);
    }

    [Fact]
    public void Enrolled_persons_compose_and_transform_from_the_medians_of_their_images_as_well_as_trained_ones()
    {
        // Persons P3 and P4 trained nothing: their rows are not "trained", so their vectors come from enrolment alone.
        var set = Additive();
        var enrolled = set with { Trained = set.Labels.Select((l, r) => set.Trained[r] && l["person"] is not ("P3" or "P4")).ToList() };
        var persons = (IReadOnlySet<string>)new HashSet<string> { "P3", "P4" };
        var (compose, transform) = Protocols.Enrolled(enrolled, ("person", persons), seed: 1);
        Assert.Equal(2 * 4, compose.Queries); // every cell of the enrolled persons
        Assert.Equal((1.0, 1.0), (compose.Top1, compose.MeanAveragePrecision));
        Assert.True(compose.Chance < 0.5, $"chance {compose.Chance}");
        // From them: 16 images x 3 other expressions; to them: 24 images of the others x 2 enrolled persons.
        Assert.Equal(16 * 3 + 24 * 2, transform.Queries);
        Assert.Equal(1.0, transform.Top1);
        // Random vectors through the same enrolment: far below.
        var (randomCompose, _) = Protocols.Enrolled(enrolled.WithRandomVectors(5), ("person", persons), seed: 1);
        Assert.True(randomCompose.Top1 < 0.5, $"random vectors {randomCompose.Top1}");
    }

    [Fact]
    public void Unseen_images_is_not_applicable_when_every_image_trained()
    {
        var set = Additive(variants: 1);
        var result = Protocols.UnseenImages(set, seed: 1);
        Assert.Null(result.Top1);
        Assert.Contains("every image", result.Note);
    }

    [Fact]
    public void Held_out_cells_are_queried_with_facet_vectors_from_other_cells_only()
    {
        var set = Additive(variants: 1);
        var heldOut = new HashSet<Cell> { new(["P0", "E0"]), new(["P1", "E1"]) };
        var withoutHeldOut = set with { Trained = Enumerable.Range(0, set.Count).Select(r => !heldOut.Contains(set.CellOf(r))).ToList() };
        var result = Protocols.HeldOutCells(withoutHeldOut, heldOut, seed: 1);
        Assert.Equal(2, result.Queries);
        Assert.Equal(1.0, result.Top1);
    }

    [Fact]
    public void A_label_holding_a_separator_is_a_value_like_any_other()
    {
        var set = Additive(variants: 1, personPrefix: "P|,");
        var heldOut = new HashSet<Cell> { new(["P|,0", "E0"]), new(["P|,1", "E1"]) };
        var withoutHeldOut = set with { Trained = Enumerable.Range(0, set.Count).Select(r => !heldOut.Contains(set.CellOf(r))).ToList() };
        var result = Protocols.HeldOutCells(withoutHeldOut, heldOut, seed: 1);
        Assert.Equal(2, result.Queries);
        Assert.Equal(1.0, result.Top1);
        Assert.Equal(1.0, Protocols.SeedProtocol(set, seed: 1).Top1);
    }

    [Fact]
    public void Pixel_identical_images_are_reported_as_ties_and_counted_either_way()
    {
        var set = Additive(variants: 1, noise: 0);
        // Make P0|E1 a copy of P0|E0, as Yale's subject04 sad is a copy of its normal.
        var vectors = (float[])set.Vectors.Clone();
        set.Vectors.AsSpan(0, set.Dimensions).CopyTo(vectors.AsSpan(set.Dimensions, set.Dimensions));
        var copied = set with { Vectors = vectors, Content = Enumerable.Range(0, set.Count).Select(r => r == 1 ? "r0" : $"r{r}").ToList() };
        Assert.True(copied.HasDuplicates);
        var result = Protocols.SeedProtocol(copied, seed: 1);
        Assert.True(result.Ties >= 1);
        Assert.True(result.Top1 < 1.0);
        Assert.Equal(1.0, result.Top1DuplicatesEitherWay);
        Assert.Null(Protocols.SeedProtocol(set, seed: 1).Top1DuplicatesEitherWay);
    }

    [Fact]
    public void Top1_by_value_names_the_value_that_goes_wrong()
    {
        var set = Additive(variants: 1, noise: 0);
        // Facet vectors in which E3 points where E0 does: every E3 query finds its person's E0 image.
        var vectors = (float[])set.Vectors.Clone();
        for (var r = 0; r < set.Count; r++)
            if (set.Labels[r]["expression"] == "E3")
                set.Vectors.AsSpan((r - 3) * set.Dimensions, set.Dimensions).CopyTo(vectors.AsSpan(r * set.Dimensions, set.Dimensions));
        var misleading = FacetVectors.FromImages(set.Facets, set.Labels, vectors, set.Dimensions);

        var byValue = Protocols.SeedProtocol(set with { Learned = misleading }, seed: 1).ByValue!;
        Assert.Equal(new ValueTop1(5, 0.0), byValue["expression"]["E3"]);
        Assert.All(["E0", "E1", "E2"], e => Assert.Equal(new ValueTop1(5, 1.0), byValue["expression"][e]));
        Assert.All(byValue["person"].Values, p => Assert.Equal(new ValueTop1(4, 0.75), p));
        // The misses say where the E3 queries went: the right person every time, E0 instead of E3.
        var misses = Protocols.SeedProtocol(set with { Learned = misleading }, seed: 1).Misses!;
        Assert.Equal((5, 5), (misses["person"].Misses, misses["person"].ValueRight));
        Assert.Empty(misses["person"].Confusions);
        Assert.Equal((5, 0), (misses["expression"].Misses, misses["expression"].ValueRight));
        Assert.Equal(new Dictionary<string, int> { ["E3 -> E0"] = 5 }, misses["expression"].Confusions);
        Assert.Equal(10, ProtocolResult.Pool([Protocols.SeedProtocol(set with { Learned = misleading }, seed: 1),
            Protocols.SeedProtocol(set with { Learned = misleading }, seed: 1)]).Misses!["expression"].Confusions["E3 -> E0"]);
        var transform = Protocols.Transform(set with { Learned = misleading }, seed: 1).ByValue!;
        Assert.Equal(0.0, transform["expression"]["E3"].Top1);
        Assert.Equal(1.0, transform["person"]["P2"].Top1);
    }

    [Fact]
    public void Pooling_folds_weights_by_queries()
    {
        Dictionary<string, IReadOnlyDictionary<string, ValueTop1>> ByValue(string value, int queries, double top1) =>
            new() { ["expression"] = new Dictionary<string, ValueTop1> { ["E1"] = new(1, 1.0), [value] = new(queries, top1) } };
        var pooled = ProtocolResult.Pool([
            new ProtocolResult(2, 1.0, null, 1.0, 0, 0.0, ByValue: ByValue("E2", 1, 1.0)),
            new ProtocolResult(4, 0.25, null, 0.0, 1, 0.0, ByValue: ByValue("E0", 3, 0.0))]);
        Assert.Equal(6, pooled.Queries);
        Assert.Equal(0.5, pooled.Top1);
        Assert.Equal(1, pooled.Ties);
        // Values pooled across folds, listed in the dataset's (ordinal) order whatever order the folds met them in.
        Assert.Equal(["E0", "E1", "E2"], pooled.ByValue!["expression"].Keys);
        Assert.Equal(new ValueTop1(3, 0.0), pooled.ByValue["expression"]["E0"]);
        Assert.Equal(new ValueTop1(2, 1.0), pooled.ByValue["expression"]["E1"]);
    }

    [Theory]
    [InlineData(new[] { 8, 7 }, 3)]
    [InlineData(new[] { 15, 11 }, 3)]
    [InlineData(new[] { 3, 3, 4 }, 3)]
    public void Every_fold_takes_at_least_one_cell_of_every_value_and_leaves_others(int[] counts, int folds)
    {
        HeldOutFolds.Check(counts, folds);
        var cells = counts.Aggregate(new List<int[]> { Array.Empty<int>() },
            (acc, n) => acc.SelectMany(prefix => Enumerable.Range(0, n).Select(v => prefix.Append(v).ToArray())).ToList());
        for (var fold = 0; fold < folds; fold++)
        for (var facet = 0; facet < counts.Length; facet++)
        for (var value = 0; value < counts[facet]; value++)
        {
            var ofValue = cells.Where(c => c[facet] == value).ToList();
            Assert.Contains(ofValue, c => HeldOutFolds.FoldOf(c, folds) == fold);
            Assert.Contains(ofValue, c => HeldOutFolds.FoldOf(c, folds) != fold);
        }
    }
}
