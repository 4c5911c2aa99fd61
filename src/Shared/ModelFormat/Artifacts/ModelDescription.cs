namespace FaceFunctions.Artifacts;

/// <summary>
/// What a model is, written by the training job into manifest.json: the network, what it was trained to minimise,
/// which facet vectors it publishes and which images trained it, by the training job's names for them. Plain strings:
/// a version written by a newer job, with a backbone or objective this build has never heard of, still loads and
/// serves (serving needs none of it); `evaluate` parses the names and says which it does not know.
/// </summary>
public sealed record ModelDescription(string Backbone, string Objective, string FacetVectors, string TrainedOn, int Seed)
{
    /// <summary>The <see cref="FacetVectors"/> of a model whose objective learned its facet vectors (not medians of images).</summary>
    public const string LearnedFacetVectors = "learned";
}
