using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.Imaging;
using FaceFunctions.Options;
using FaceFunctions.TrainingJob.Datasets;
using FaceFunctions.TrainingJob.Export;
using FaceFunctions.TrainingJob.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceFunctions.TrainingJob.Evaluation;

/// <summary>
/// What the main run is measured by: the protocols on its model with the facet vectors the options choose (and with
/// the other kind, where the objective learned some), the untrained baseline, and the held-out cells of K folds.
/// </summary>
public sealed record ModelEvaluation(EmbeddedSet Set, FacetVectorKind FacetVectors, EvaluationResult Result, EvaluationResult Untrained,
    ProtocolResult UnseenCombinations, OtherFacetVectors? Comparison, EnrolledValues? EnrolledValues);

/// <summary>The protocols that train again: k folds each; 0 skips one.</summary>
public sealed record EvaluationFolds(int HeldOutCells, int EnrolledValues);

/// <summary>
/// report.json's "enrolled_values": persons trained without and enrolled as the API enrols them (compose and transform),
/// beside the same queries on the main model, which trained on them. Where the objective learned facet vectors,
/// <see cref="Compose"/> and <see cref="Transform"/> put the enrolled persons' medians beside the learned vectors of the
/// trained values, and the "with medians" pair composes medians throughout, which is what the API composes for a query
/// that names an enrolled value (GalleryView.FacetsFor) since these figures chose it; without learned vectors the
/// two are one and the pair is null.
/// </summary>
public sealed record EnrolledValues(string Facet, int Folds, ProtocolResult Compose, ProtocolResult Transform,
    ProtocolResult TrainedCompose, ProtocolResult TrainedTransform, ProtocolResult? ComposeWithMedians, ProtocolResult? TransformWithMedians)
{
    /// <summary>The folds' results pooled (query-weighted).</summary>
    public static EnrolledValues Pool(IReadOnlyList<EnrolledValues> folds)
    {
        ProtocolResult? Pooled(Func<EnrolledValues, ProtocolResult?> part) =>
            folds.All(f => part(f) is not null) ? ProtocolResult.Pool(folds.Select(f => part(f)!).ToList()) : null;
        return new EnrolledValues(folds[0].Facet, folds.Count, Pooled(f => f.Compose)!, Pooled(f => f.Transform)!, Pooled(f => f.TrainedCompose)!,
            Pooled(f => f.TrainedTransform)!, Pooled(f => f.ComposeWithMedians), Pooled(f => f.TransformWithMedians));
    }
}

/// <summary>Runs the protocols of a train command on a dataset (images embedded by ONNX Runtime, as serving embeds them).</summary>
public sealed class ModelEvaluator(LabelledDataset dataset, IReadOnlyList<string> content, ImageDecoder decoder, ILogger log)
{
    public ModelEvaluation Evaluate(ExportedModel trained, IReadOnlyList<LabelledImage> trainImages, RunPlan plan, EvaluationFolds folds,
        CancellationToken cancellationToken)
    {
        var trainedIds = trainImages.Select(i => i.Id).ToHashSet();
        var (set, other) = WithFacetVectors(Embed(trained, trainedIds), trained, plan.Main);
        var result = EvaluationResult.Of(set, plan.Main.Seed);
        var untrained = EvaluationResult.Of(
            Embed(TrainStage.Train(dataset, trainImages, plan.Untrained, null, cancellationToken), trainedIds), plan.Main.Seed);
        var (unseenCombinations, otherUnseenCombinations) = HeldOutCombinations(trainImages, folds.HeldOutCells, plan.HeldOutFold, cancellationToken);
        var enrolled = folds.EnrolledValues == 0 ? null : Enrolled(set, trainImages, folds.EnrolledValues, plan.Main, cancellationToken);
        OtherFacetVectors? comparison = null;
        if (other is not null)
        {
            var otherResult = EvaluationResult.Of(other, plan.Main.Seed);
            // Without held-out folds both kinds' unseen combinations say "not run".
            comparison = new OtherFacetVectors(KindOf(other), otherResult.SeedProtocol, otherResult.UnseenImages,
                otherUnseenCombinations ?? unseenCombinations, otherResult.Transform);
        }
        var evaluation = new ModelEvaluation(set, KindOf(set), result, untrained, unseenCombinations, comparison, enrolled);
        Print(evaluation);
        return evaluation;
    }

    /// <summary>Embeds every image of the dataset with the model's ONNX file, exactly as serving embeds a query.</summary>
    private EmbeddedSet Embed(ExportedModel model, IReadOnlySet<string> trainedIds) =>
        Embed(dataset, model.Onnx, model.Preprocessing, decoder, trainedIds) with { Content = content };

    public static EmbeddedSet Embed(LabelledDataset dataset, byte[] onnx, Preprocessing preprocessing, ImageDecoder decoder,
        IReadOnlySet<string> trainedIds)
    {
        using var embedder = new OnnxEmbedder(onnx, preprocessing, new OnnxEmbedderOptions(), NullLogger.Instance);
        var vectors = new List<float>();
        foreach (var batch in dataset.Images.Chunk(32))
        {
            var decoded = batch.Select(i => decoder.Decode(i.Path)).ToList();
            try
            {
                vectors.AddRange(embedder.Embed(decoded));
            }
            finally
            {
                decoded.ForEach(i => i.Dispose());
            }
        }
        return new EmbeddedSet(dataset.Facets, dataset.Images.Select(i => i.Labels).ToList(), vectors.ToArray(),
            embedder.Dimensions, dataset.Images.Select(i => trainedIds.Contains(i.Id)).ToList());
    }

    /// <summary>
    /// Trains once per fold without the fold's cells, then queries those cells against every image: with the facet
    /// vectors the options choose, and with the other kind where the objective learned some (else null).
    /// </summary>
    private (ProtocolResult Chosen, ProtocolResult? Other) HeldOutCombinations(IReadOnlyList<LabelledImage> trainImages, int folds,
        TrainingOptions training, CancellationToken cancellationToken)
    {
        if (folds == 0)
            return (ProtocolResult.NotApplicable("not run: pass --held-out-folds k (k more trainings)"), null);
        var values = dataset.Facets.Select(dataset.Values).ToList();
        HeldOutFolds.Check(values.Select(v => v.Count).ToList(), folds);
        int FoldOf(LabelledImage image) =>
            HeldOutFolds.FoldOf(dataset.Facets.Select((f, k) => values[k].ToList().IndexOf(image.Labels[f])).ToList(), folds);
        var chosen = new List<ProtocolResult>();
        var other = new List<ProtocolResult>();
        for (var fold = 0; fold < folds; fold++)
        {
            var kept = trainImages.Where(i => FoldOf(i) != fold).ToList();
            var heldOut = dataset.Images.Where(i => FoldOf(i) == fold).Select(i => i.CellOf(dataset.Facets)).ToHashSet();
            log.LogInformation("Held-out fold {Fold}/{Folds}: {Cells} cells out, training on {Images} images.", fold + 1, folds, heldOut.Count, kept.Count);
            var model = TrainStage.Train(dataset, kept, training, null, cancellationToken);
            var (set, otherSet) = WithFacetVectors(Embed(model, kept.Select(i => i.Id).ToHashSet()), model, training);
            chosen.Add(Protocols.HeldOutCells(set, heldOut, training.Seed));
            if (otherSet is not null)
                other.Add(Protocols.HeldOutCells(otherSet, heldOut, training.Seed));
        }
        return (ProtocolResult.Pool(chosen), other.Count == folds ? ProtocolResult.Pool(other) : null);
    }

    /// <summary>
    /// Trains once per fold without the fold's values of the first facet (every image of those persons left out), then
    /// enrols them from all their images and queries them (<see cref="Protocols.Enrolled"/>); the same queries on
    /// <paramref name="main"/>, which trained on them, are the figures to compare with.
    /// </summary>
    private EnrolledValues Enrolled(EmbeddedSet main, IReadOnlyList<LabelledImage> trainImages, int folds, TrainingOptions training,
        CancellationToken cancellationToken)
    {
        var facet = dataset.Facets[0];
        var values = dataset.CellValues(facet);
        if (folds < 2 || folds > values.Count)
            throw new ArgumentException($"--enrolled-folds takes 2 to {values.Count} (the values of '{facet}'); got {folds}.");
        var parts = new List<EnrolledValues>();
        for (var fold = 0; fold < folds; fold++)
        {
            var enrolled = values.Where((_, i) => i % folds == fold).ToHashSet();
            var kept = trainImages.Where(i => !enrolled.Contains(i.Labels[facet])).ToList();
            log.LogInformation("Enrolled fold {Fold}/{Folds}: {Facet} {Values} trained without, then enrolled; training on {Images} images.",
                fold + 1, folds, facet, string.Join(", ", enrolled), kept.Count);
            var model = TrainStage.Train(dataset, kept, training, null, cancellationToken);
            var (set, _) = WithFacetVectors(Embed(model, kept.Select(i => i.Id).ToHashSet()), model, training);
            var (compose, transform) = Protocols.Enrolled(set, (facet, enrolled), training.Seed);
            var (trainedCompose, trainedTransform) = Protocols.Enrolled(main, (facet, enrolled), training.Seed);
            var (composeWithMedians, transformWithMedians) = set.Learned is null
                ? ((ProtocolResult?)null, (ProtocolResult?)null)
                : Protocols.Enrolled(set with { Learned = null }, (facet, enrolled), training.Seed);
            parts.Add(new EnrolledValues(facet, 1, compose, transform, trainedCompose, trainedTransform, composeWithMedians, transformWithMedians));
        }
        return EnrolledValues.Pool(parts);
    }

    /// <summary>
    /// The set with the facet vectors the options choose, and the same set with the other kind where the objective
    /// learned some (null otherwise), so that the report can compare them on one model.
    /// </summary>
    private static (EmbeddedSet Chosen, EmbeddedSet? Other) WithFacetVectors(EmbeddedSet set, ExportedModel model, TrainingOptions options)
    {
        var learned = options.FacetVectors == FacetVectorKind.Learned ? model.LearnedFacets : null;
        var chosen = set with { Learned = learned };
        return (chosen, model.LearnedFacets is null ? null : set with { Learned = learned is null ? model.LearnedFacets : null });
    }

    private static FacetVectorKind KindOf(EmbeddedSet set) => set.Learned is null ? FacetVectorKind.Median : FacetVectorKind.Learned;

    private void Print(ModelEvaluation evaluation)
    {
        log.LogInformation("Facet vectors: {FacetVectors}.", Choices.NameOf(evaluation.FacetVectors));
        Print("seed protocol", evaluation.Result.SeedProtocol);
        Print($"experiment's protocol ({Protocols.ExperimentDraws} drawn cells)", evaluation.Result.ExperimentProtocol);
        Print("unseen images", evaluation.Result.UnseenImages);
        Print("unseen combinations", evaluation.UnseenCombinations);
        PrintByValue(evaluation.UnseenCombinations);
        Print("transform", evaluation.Result.Transform);
        if (evaluation.EnrolledValues is { } enrolled)
        {
            Print($"enrolled {enrolled.Facet} values: compose", enrolled.Compose);
            Print($"enrolled {enrolled.Facet} values: transform", enrolled.Transform);
            Print($"the same {enrolled.Facet} values trained on: compose", enrolled.TrainedCompose);
            Print($"the same {enrolled.Facet} values trained on: transform", enrolled.TrainedTransform);
            if (enrolled.ComposeWithMedians is { } compose && enrolled.TransformWithMedians is { } transform)
            {
                Print($"enrolled {enrolled.Facet} values, median facet vectors throughout: compose", compose);
                Print($"enrolled {enrolled.Facet} values, median facet vectors throughout: transform", transform);
            }
        }
        Print("untrained seed protocol", evaluation.Untrained.SeedProtocol);
        Print("untrained experiment's protocol", evaluation.Untrained.ExperimentProtocol);
        if (evaluation.Comparison is not { } other) return;
        var kind = Choices.NameOf(other.FacetVectors);
        Print($"with {kind} facet vectors: seed protocol", other.SeedProtocol);
        Print($"with {kind} facet vectors: unseen combinations", other.UnseenCombinations);
        Print($"with {kind} facet vectors: transform", other.Transform);
    }

    private void Print(string name, ProtocolResult result)
    {
        if (result.Top1 is null)
            log.LogInformation("{Protocol}: {Note}", name, result.Note);
        else
            // The count beside the fraction: 2183 of 2184 rounds to 1.000.
            log.LogInformation("{Protocol}: top-1 {Top1:F3} ({Right} of {Queries} queries){MeanAveragePrecision} (random vectors: {Chance:F3})",
                name, result.Top1, Math.Round(result.Top1.Value * result.Queries), result.Queries,
                result.MeanAveragePrecision is { } map ? $", mAP {map:F3}" : "", result.Chance);
    }

    /// <summary>One line per facet: the top-1 of each value's queries, to show which values go wrong.</summary>
    private void PrintByValue(ProtocolResult result)
    {
        if (result.ByValue is null) return;
        foreach (var (facet, values) in result.ByValue)
            log.LogInformation("  by {Facet}: {Values}", facet, string.Join(", ", values.Select(v => $"{v.Key} {v.Value.Top1:F2}")));
        foreach (var (facet, misses) in result.Misses ?? new Dictionary<string, FacetMisses>())
            log.LogInformation("  misses: {Facet} right in {Right} of {Misses}; {Confusions}", facet, misses.ValueRight, misses.Misses,
                string.Join(", ", misses.Confusions.Select(c => $"{c.Key} {c.Value}")));
    }
}
