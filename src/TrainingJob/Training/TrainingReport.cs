using System.Text.Json;
using FaceFunctions.TrainingJob.Evaluation;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>report.json: what was trained on, how, and how well it composes. Keys are snake_case.</summary>
public sealed record TrainingReport(
    string Version,
    DatasetSummary Dataset,
    TrainingSummary Training,
    ExportSummary Export,
    SeedProtocol.Result SeedProtocol)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public BinaryData ToJson() => BinaryData.FromObjectAsJson(this, Json);
}

public sealed record DatasetSummary(string Source, string Format, IReadOnlyDictionary<string, IReadOnlyList<string>> Facets,
    int Images, int Cells, int TrainImages, IReadOnlyList<Datasets.DatasetProblem> Problems);

public sealed record TrainingSummary(string Backbone, string Objective, string Embedding, int Dimensions, string Device,
    TrainingOptions Options, double Seconds, double ImagesPerSecond, IReadOnlyList<double> EpochLosses);

public sealed record ExportSummary(int Opset, double MaxAbsDifference, double Tolerance, int BatchChecked);
