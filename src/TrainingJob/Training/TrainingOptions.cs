namespace FaceFunctions.TrainingJob.Training;

/// <summary>How the network is trained. Defaults reproduce the original experiment (triplet loss, Adam 1e-4).</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 50;
    public int ImageSize { get; init; } = 128;
    public int BatchSize { get; init; } = 16;
    public double LearningRate { get; init; } = 1e-4;
    public double Margin { get; init; } = 1.0;
    public int Seed { get; init; } = 1;
    /// <summary>MobileNetV2 width multiplier: 1.0 is the paper's network; tests use less.</summary>
    public double WidthMultiplier { get; init; } = 1.0;
    /// <summary>Train on every image rather than the first of each cell (the experiment used one per cell).</summary>
    public bool AllImages { get; init; }
    /// <summary>Augment anchors, positives and negatives (random resized crop, shear, flip, brightness and contrast).</summary>
    public bool Augment { get; init; } = true;
    /// <summary>"auto" (CUDA when present), "cpu" or "cuda".</summary>
    public string Device { get; init; } = "auto";
}

/// <summary>One finished epoch, for progress reports.</summary>
public sealed record EpochProgress(int Epoch, int Epochs, double Loss, TimeSpan Elapsed, TimeSpan Remaining, double ImagesPerSecond);
