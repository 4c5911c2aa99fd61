namespace FaceFunctions.TrainingJob.Evaluation;

/// <summary>
/// Splits cells into k folds for the unseen-combinations protocol: a cell goes to fold (sum of its value indices)
/// mod k, so with at least k values per facet every value loses at least one cell in every fold and keeps others.
/// </summary>
public static class HeldOutFolds
{
    public static int FoldOf(IReadOnlyList<int> valueIndices, int folds) => valueIndices.Sum() % folds;

    public static void Check(IReadOnlyList<int> valueCounts, int folds)
    {
        if (folds < 2)
            throw new ArgumentException("Held-out folds need k >= 2.");
        if (valueCounts.Min() < folds)
            throw new ArgumentException($"With {folds} folds every facet needs at least {folds} values; the smallest has {valueCounts.Min()}.");
    }
}
