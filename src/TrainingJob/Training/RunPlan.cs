namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// The trainings one train command makes, derived once from its options: the main run, checkpointed beside the output
/// and stopped early on the images that do not train when asked; the untrained baseline, which has no epochs to stop
/// or resume; and each held-out fold, which keeps no checkpoint and trains every epoch, having no validation images that
/// its held-out cells would not leak into.
/// </summary>
public sealed record RunPlan(TrainingOptions Main, TrainingOptions Untrained, TrainingOptions HeldOutFold)
{
    public static RunPlan For(TrainingOptions options, string? checkpointFolder) => new(
        options with { CheckpointFolder = checkpointFolder },
        options with { Epochs = 0, EarlyStoppingPatience = null, CheckpointFolder = null },
        options with { EarlyStoppingPatience = null, CheckpointFolder = null });
}
