using FaceFunctions.Artifacts;

namespace FaceFunctions.TrainingJob.Export;

/// <summary>A trained network as ONNX, checked against TorchSharp, with how the training went.</summary>
/// <param name="ExportDifference">Max abs difference of the unit-length embeddings, TorchSharp vs ONNX Runtime.</param>
/// <param name="ExportRawDifference">The same on the raw network outputs.</param>
/// <param name="LearnedFacets">The facet value vectors the composition objective learned; null for the triplet loss alone.</param>
/// <param name="ImagesPerSecond">Images this run put through the network over its time (restored epochs not counted).</param>
/// <param name="BestEpoch">The epoch whose weights early stopping kept; null when every epoch ran.</param>
public sealed record ExportedModel(byte[] Onnx, Preprocessing Preprocessing, int Dimensions, IReadOnlyList<double> Losses,
    double Seconds, double ImagesPerSecond, double ExportDifference, double ExportRawDifference, int ExportChecked,
    FacetVectors? LearnedFacets, int? BestEpoch = null);
