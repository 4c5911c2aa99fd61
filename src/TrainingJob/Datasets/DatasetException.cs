namespace FaceFunctions.TrainingJob.Datasets;

/// <summary>A dataset that cannot be used as a whole (empty, single-valued facet, unknown layout).</summary>
public sealed class DatasetException(string message) : Exception(message);
