using System.Text.Json;
using System.Text.Json.Serialization;
using FaceFunctions.Artifacts;
using FaceFunctions.TrainingJob.Evaluation;
using FaceFunctions.TrainingJob.Model;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>report.json: what was trained on, how, and how well it composes. Keys are snake_case.</summary>
public sealed record TrainingReport(
    string Version,
    DatasetSummary Dataset,
    TrainingSummary Training,
    ExportSummary Export,
    ProtocolResult SeedProtocol,
    ProtocolResult ExperimentProtocol,
    ProtocolResult UnseenImages,
    ProtocolResult UnseenCombinations,
    ProtocolResult Transform,
    EvaluationResult Untrained,
    FacetVectorKind FacetVectors,
    OtherFacetVectors? OtherFacetVectors,
    EnrolledValues? EnrolledValues = null)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public BinaryData ToJson() => BinaryData.FromObjectAsJson(this, Json);
}

/// <summary>The same model through the same protocols with the other kind of facet vectors, for comparison.</summary>
public sealed record OtherFacetVectors(FacetVectorKind FacetVectors, ProtocolResult SeedProtocol, ProtocolResult UnseenImages,
    ProtocolResult UnseenCombinations, ProtocolResult Transform);

/// <param name="Images">Images with a value on every facet: the gallery and the protocols.</param>
/// <param name="TrainImages">Those of them that trained the main model.</param>
/// <param name="PartlyLabelledImages">Images without a value on some facet, which trained the facets they carry.</param>
/// <param name="Sources">What each dataset brought where several were joined (one entry otherwise).</param>
/// <param name="Duplicates">Groups of pixel-identical images, by id.</param>
public sealed record DatasetSummary(string Source, IReadOnlyDictionary<string, IReadOnlyList<string>> Facets,
    int Images, int Cells, int TrainImages, int PartlyLabelledImages, IReadOnlyList<Datasets.DatasetSourceSummary> Sources,
    IReadOnlyList<Datasets.DatasetProblem> Problems, IReadOnlyList<IReadOnlyList<string>> Duplicates);

public sealed record TrainingSummary(Backbone Backbone, Objective Objective, string Embedding, int Dimensions, string Device,
    TrainingOptions Options, double Seconds, double ImagesPerSecond, long PeakWorkingSetBytes, IReadOnlyList<double> EpochLosses);

/// <param name="MaxAbsDifference">Between TorchSharp's and ONNX Runtime's unit-length embeddings of the same batch; the run fails above Tolerance.</param>
/// <param name="MaxAbsDifferenceRaw">The same on the raw outputs, whose scale depends on the network.</param>
public sealed record ExportSummary(int Opset, double MaxAbsDifference, double MaxAbsDifferenceRaw, double Tolerance, int BatchChecked);
