namespace FaceFunctions.TrainingJob.Evaluation;

/// <summary>The protocols that need no retraining, on one embedded set.</summary>
public sealed record EvaluationResult(ProtocolResult SeedProtocol, ProtocolResult ExperimentProtocol, ProtocolResult UnseenImages,
    ProtocolResult Transform)
{
    public static EvaluationResult Of(EmbeddedSet set, int seed) =>
        new(Protocols.SeedProtocol(set, seed), Protocols.ExperimentProtocol(set, seed), Protocols.UnseenImages(set, seed), Protocols.Transform(set, seed));
}
